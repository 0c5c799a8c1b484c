import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { createOctokit } from '../../src/github/client.js'
import { nodeFetch, proxyFor } from '../../src/github/fetch.js'

/**
 * The fetch octokit runs on (node's http, not the WebAssembly parser of undici): what reaches
 * the API and what comes back, as `fetch` would give it.
 */
type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void
const routes = new Map<string, Handler>()
/** What reached the servers: `origin method path authorization body`. */
const seen: string[] = []
let api: Server
let other: Server
let apiUrl = ''
let otherUrl = ''

function serve(name: () => string): Server {
  return createServer((request, response) => {
    let body = ''
    request.on('data', chunk => (body += chunk))
    request.on('end', () => {
      seen.push(
        `${name()} ${request.method} ${request.url} ${request.headers.authorization ?? '-'} ${body || '-'}`
      )
      const handler = routes.get(request.url ?? '')
      if (handler) handler(request, body, response)
      else response.writeHead(404).end()
    })
  })
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

beforeAll(async () => {
  api = serve(() => 'api')
  other = serve(() => 'other')
  apiUrl = await listen(api)
  otherUrl = await listen(other)
})

afterAll(async () => {
  for (const server of [api, other]) {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  }
})

const json =
  (status: number, value: unknown, headers: Record<string, string> = {}): Handler =>
  (_, __, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers })
    response.end(JSON.stringify(value))
  }
const redirect =
  (status: number, location: string): Handler =>
  (_, __, response) => {
    response.writeHead(status, { location })
    response.end()
  }

function run(): ReturnType<typeof nodeFetch> {
  seen.length = 0
  return nodeFetch({})
}

describe('nodeFetch', () => {
  it.each([
    ['gzip', (text: string) => gzipSync(text)],
    ['br', (text: string) => brotliCompressSync(text)]
  ])('reads a %s-encoded answer as the JSON it holds', async (encoding, encode) => {
    routes.set('/encoded', (_, __, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding })
      response.end(encode(JSON.stringify({ number: 7, title: 'Schema drift' })))
    })
    const response = await run()(`${apiUrl}/encoded`)
    expect(response.status).toBe(200)
    expect(JSON.parse(await response.text())).toEqual({ number: 7, title: 'Schema drift' })
  })

  it('gives headers by lower-case name, repeated ones joined, and the body as bytes', async () => {
    routes.set('/headers', (_, __, response) => {
      response.setHeader('Set-Cookie', ['a=1', 'b=2'])
      response.setHeader('X-RateLimit-Remaining', '41')
      response.writeHead(200, { 'content-type': 'application/octet-stream' })
      response.end(Buffer.from([0, 1, 2, 255]))
    })
    const response = await run()(`${apiUrl}/headers`)
    expect(response.headers.get('x-ratelimit-remaining')).toBe('41')
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2')
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2, 255])
  })

  it('follows a moved resource with the same request, and says where it ended', async () => {
    routes.set('/repos/old/name', redirect(301, '/repositories/42'))
    routes.set('/repositories/42', json(200, { full_name: 'acme/name' }))
    const response = await run()(`${apiUrl}/repos/old/name`, {
      headers: { authorization: 'token t0k3n' }
    })
    expect(JSON.parse(await response.text())).toEqual({ full_name: 'acme/name' })
    expect(response.url).toBe(`${apiUrl}/repositories/42`)
    expect(seen).toEqual([
      'api GET /repos/old/name token t0k3n -',
      'api GET /repositories/42 token t0k3n -'
    ])
  })

  it('sends a POST again as a POST on 307, and as a GET without its body on 303', async () => {
    routes.set('/307', redirect(307, '/created'))
    routes.set('/303', redirect(303, '/created'))
    routes.set('/created', json(201, { ok: true }))
    const fetch = run()
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":"t"}'
    }
    await fetch(`${apiUrl}/307`, init)
    await fetch(`${apiUrl}/303`, init)
    expect(seen).toEqual([
      'api POST /307 - {"title":"t"}',
      'api POST /created - {"title":"t"}',
      'api POST /303 - {"title":"t"}',
      'api GET /created - -'
    ])
  })

  it('does not send the token to another origin it is redirected to', async () => {
    routes.set('/away', redirect(302, `${otherUrl}/landed`))
    routes.set('/landed', json(200, {}))
    await run()(`${apiUrl}/away`, { headers: { authorization: 'token t0k3n' } })
    expect(seen).toEqual(['api GET /away token t0k3n -', 'other GET /landed - -'])
  })

  it('gives up on a redirect loop, naming the address', async () => {
    routes.set('/loop', redirect(302, '/loop'))
    await expect(run()(`${apiUrl}/loop`)).rejects.toThrow(`${apiUrl}/loop: more than 20 redirects`)
    expect(seen).toHaveLength(21)
  })

  it('gives up on a server that says nothing, naming it', async () => {
    routes.set('/silent', () => {})
    await expect(nodeFetch({}, 50)(`${apiUrl}/silent`)).rejects.toThrow(
      `${new URL(apiUrl).host} did not answer within 0.05 s`
    )
  })

  it.each([204, 302])(
    'reads an empty %i that says it is gzip-encoded as empty, not as a broken gzip stream',
    async status => {
      routes.set('/empty', (_, __, response) => {
        response.writeHead(status, {
          'content-encoding': 'gzip',
          ...(status === 302 ? { location: '/assigned' } : {})
        })
        response.end()
      })
      routes.set('/assigned', (_, __, response) => {
        response.writeHead(204, { 'content-encoding': 'gzip' })
        response.end()
      })
      const response = await run()(`${apiUrl}/empty`)
      expect(response.status).toBe(204)
      expect(await response.text()).toBe('')
    }
  )
})

describe('octokit on nodeFetch', () => {
  const env = (): NodeJS.ProcessEnv => ({
    GITHUB_API_URL: apiUrl,
    CONTRACT_DRIFT_TRIAGE_TIME_SCALE: '0.001'
  })

  it('sends the token and a JSON body, and parses the JSON answer', async () => {
    routes.set('/repos/acme/contracts/issues', json(201, { number: 12 }))
    seen.length = 0
    const octokit = await createOctokit('t0k3n', () => {}, env())
    const { status, data } = await octokit.request('POST /repos/{owner}/{repo}/issues', {
      owner: 'acme',
      repo: 'contracts',
      title: 'Schema drift'
    })
    expect({ status, number: data.number }).toEqual({ status: 201, number: 12 })
    expect(seen).toEqual([
      'api POST /repos/acme/contracts/issues token t0k3n {"title":"Schema drift"}'
    ])
  })

  it("turns GitHub's refusal into octokit's error, with GitHub's message", async () => {
    routes.set(
      '/repos/acme/contracts/issues/9',
      json(403, { message: 'Resource not accessible by integration' })
    )
    const octokit = await createOctokit('t0k3n', () => {}, env())
    await expect(
      octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}', {
        owner: 'acme',
        repo: 'contracts',
        issue_number: 9
      })
    ).rejects.toMatchObject({ status: 403, message: expect.stringContaining('not accessible') })
  })

  it('retries an API that cannot be reached, then fails with the reason', async () => {
    const closed = createServer()
    const url = await listen(closed)
    await new Promise(resolve => closed.close(resolve))
    const octokit = await createOctokit('t0k3n', () => {}, {
      GITHUB_API_URL: url,
      CONTRACT_DRIFT_TRIAGE_TIME_SCALE: '0.001'
    })
    await expect(octokit.request('GET /rate_limit')).rejects.toMatchObject({
      status: 500,
      message: expect.stringContaining('ECONNREFUSED')
    })
  })
})

describe('nodeFetch through the runner’s proxy', () => {
  /** A proxy that records each CONNECT and its headers, then answers with `answer`. */
  async function proxyServer(answer: (socket: import('node:net').Socket) => void): Promise<{
    url: string
    connects: IncomingMessage[]
    close: () => Promise<void>
  }> {
    const connects: IncomingMessage[] = []
    const server = createServer()
    const sockets: import('node:net').Socket[] = []
    server.on('connect', (request: IncomingMessage, socket: import('node:net').Socket) => {
      connects.push(request)
      sockets.push(socket)
      answer(socket)
    })
    const url = await listen(server)
    return {
      url,
      connects,
      close: async () => {
        // a CONNECT's socket is the test's, not the server's: closeAllConnections leaves it
        for (const socket of sockets) socket.destroy()
        await new Promise(resolve => server.close(resolve))
      }
    }
  }

  it('sends the proxy its user and password (decoded) and gives up on one that never answers CONNECT', async () => {
    let closed: Promise<unknown> | undefined
    const proxy = await proxyServer(
      socket => (closed = new Promise(done => socket.once('end', done)))
    )
    const [host, port] = proxy.url.replace('http://', '').split(':')
    try {
      const fetch = nodeFetch({ http_proxy: `http://us%40er:p%25ss@${host}:${port}` }, 100)
      await expect(fetch('http://ghe.acme.invalid/api/v3/rate_limit')).rejects.toThrow(
        'ghe.acme.invalid did not answer within 0.1 s'
      )
      // and the CONNECT it left unanswered is ended: an open one would keep the run alive
      await closed
      expect(proxy.connects.map(request => request.url)).toEqual(['ghe.acme.invalid:80'])
      expect(proxy.connects[0]!.headers['proxy-authorization']).toBe(
        `Basic ${Buffer.from('us@er:p%ss').toString('base64')}`
      )
    } finally {
      await proxy.close()
    }
  })
})

describe('proxyFor: the runner’s proxy settings, as the toolkit reads them', () => {
  const proxy = (url: string, env: NodeJS.ProcessEnv): string | undefined =>
    proxyFor(new URL(url), env)?.href
  const https = 'https://api.github.com/repos'
  it.each<[string, string, NodeJS.ProcessEnv, string | undefined]>([
    ['none set', https, {}, undefined],
    ['https_proxy for https', https, { https_proxy: 'http://p:3128' }, 'http://p:3128/'],
    ['HTTPS_PROXY too', https, { HTTPS_PROXY: 'http://p:3128' }, 'http://p:3128/'],
    ['not http_proxy for https', https, { http_proxy: 'http://p:3128' }, undefined],
    ['http_proxy for http', 'http://ghe.acme/api', { http_proxy: 'http://p:1' }, 'http://p:1/'],
    ['a host and port alone', https, { https_proxy: 'proxy.corp:3128' }, 'http://proxy.corp:3128/'],
    ['an address and port alone', https, { https_proxy: '10.0.0.1:3128' }, 'http://10.0.0.1:3128/'],
    ['NO_PROXY too', https, { https_proxy: 'http://p:1', NO_PROXY: 'github.com' }, undefined],
    ['this machine', 'http://127.0.0.1:8080/', { http_proxy: 'http://p:1' }, undefined],
    ['this machine by name', 'http://LOCALHOST:8080/', { http_proxy: 'http://p:1' }, undefined]
  ])('%s', (_case, url, env, expected) => {
    expect(proxy(url, env)).toBe(expected)
  })

  it.each<[string, string, boolean]>([
    ['names the host', 'x, api.github.com', false],
    ['names a parent domain', 'github.com', false],
    ['names it with a dot', '.github.com', false],
    ['names host and port', 'api.github.com:443', false],
    ['names another port', 'api.github.com:8443', true],
    ['is a lookalike', 'hub.com', true],
    ['is *', '*', false]
  ])('no_proxy %s (%s): proxied %s', (_case, no_proxy, proxied) => {
    expect(proxy(https, { https_proxy: 'http://p:1', no_proxy })).toBe(
      proxied ? 'http://p:1/' : undefined
    )
  })

  it('says what to set when the proxy setting is not an address, without its password', () => {
    expect(() => proxy(https, { https_proxy: 'http://exa mple:1' })).toThrow(
      /proxy setting "http:\/\/exa mple:1" is not an http or https address: set https_proxy/
    )
    expect(() => proxy(https, { https_proxy: 'socks5://user:s3cret@proxy:1080' })).toThrow(
      'proxy setting "socks5://***@proxy:1080" is not an http or https address'
    )
  })
})
