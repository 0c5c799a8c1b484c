import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { createOctokit } from '../../src/github/client.js'

/**
 * The client the action builds from `@octokit/core` must keep what `@actions/github` gave it: a
 * GitHub Enterprise server's API (`GITHUB_API_URL`) and the runner's proxy. The API below lives
 * on a host that does not resolve, so it is reachable through the proxy only, as on a runner
 * behind a corporate proxy.
 */
const ENTERPRISE = 'github.acme.invalid'
const PROXY_ENV = ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']

let api: Server
let proxy: Server
/** What reached the enterprise API: method, path and authorization of each request. */
const served: string[] = []
/** Where the proxy was asked to go (`host:port`). */
const tunnels: string[] = []

function listen(server: Server): Promise<number> {
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  )
}

function enterpriseApi(request: IncomingMessage, response: ServerResponse): void {
  served.push(`${request.method} ${request.url} ${request.headers.authorization}`)
  const url = new URL(request.url ?? '/', `http://${ENTERPRISE}`)
  const page = Number(url.searchParams.get('page') ?? 1)
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (url.pathname.endsWith('/labels') && page === 1)
    headers.link = `<http://${ENTERPRISE}${url.pathname}?per_page=1&page=2>; rel="next"`
  response.writeHead(200, headers)
  response.end(
    JSON.stringify(
      url.pathname.endsWith('/labels')
        ? [{ name: `label-${page}` }]
        : { full_name: 'acme/contracts' }
    )
  )
}

beforeAll(async () => {
  api = createServer(enterpriseApi)
  const apiPort = await listen(api)
  proxy = createServer((request, response) => {
    // a proxy asked in absolute form (no tunnel): forward to the API when it names the server
    tunnels.push(new URL(request.url ?? '').host || 'unknown')
    response.writeHead(502).end()
  })
  proxy.on('connect', (request: IncomingMessage, socket, head: Buffer) => {
    tunnels.push(request.url ?? '')
    if (request.url !== `${ENTERPRISE}:80`) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      return
    }
    const upstream = connect(apiPort, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(socket).pipe(upstream)
    })
  })
  const proxyPort = await listen(proxy)
  saved = Object.fromEntries(PROXY_ENV.map(name => [name, process.env[name]]))
  for (const name of PROXY_ENV) delete process.env[name]
  process.env.http_proxy = `http://127.0.0.1:${proxyPort}`
  process.env.https_proxy = `http://127.0.0.1:${proxyPort}`
})

let saved: Record<string, string | undefined> = {}

afterEach(() => {
  served.length = 0
  tunnels.length = 0
})

afterAll(async () => {
  for (const name of PROXY_ENV)
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  proxy.closeAllConnections()
  api.closeAllConnections()
  await Promise.all([proxy, api].map(server => new Promise(resolve => server.close(resolve))))
})

const env = (apiUrl?: string): NodeJS.ProcessEnv => ({
  ...(apiUrl ? { GITHUB_API_URL: apiUrl } : {}),
  CONTRACT_DRIFT_TRIAGE_TIME_SCALE: '0.001'
})

describe('createOctokit on a runner', () => {
  it('reaches a GitHub Enterprise API through the runner’s proxy, with the token', async () => {
    const octokit = await createOctokit('t0k3n', () => {}, env(`http://${ENTERPRISE}/api/v3`))
    const { data } = await octokit.request('GET /repos/{owner}/{repo}', {
      owner: 'acme',
      repo: 'contracts'
    })
    expect(data.full_name).toBe('acme/contracts')
    expect(tunnels).toEqual([`${ENTERPRISE}:80`])
    expect(served).toEqual(['GET /api/v3/repos/acme/contracts token t0k3n'])
  })

  it('follows pagination on the Enterprise API', async () => {
    const octokit = await createOctokit('t0k3n', () => {}, env(`http://${ENTERPRISE}/api/v3`))
    const labels = await octokit.paginate('GET /repos/{owner}/{repo}/labels', {
      owner: 'acme',
      repo: 'contracts',
      per_page: 1
    })
    expect(labels.map(label => label.name)).toEqual(['label-1', 'label-2'])
    expect(served.map(line => line.split(' ')[1])).toEqual([
      '/api/v3/repos/acme/contracts/labels?per_page=1',
      '/api/v3/repos/acme/contracts/labels?per_page=1&page=2'
    ])
  })

  it('goes to api.github.com through the proxy when GITHUB_API_URL is unset', async () => {
    const octokit = await createOctokit('t0k3n', () => {}, env())
    await expect(
      octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'contracts' })
    ).rejects.toThrow()
    // the proxy refused the tunnel: nothing left the machine
    expect(tunnels).toContain('api.github.com:443')
    expect(served).toEqual([])
  })
})
