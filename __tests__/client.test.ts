/**
 * createOctokit's connection to GitHub: the API URL, the user agent, and the runner's proxy
 * (`http(s)_proxy`, `no_proxy`), which the emulator suites never exercise (they talk to 127.0.0.1).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { createOctokit } from '../src/github/client.js'

/** What the fake API saw: method, path and headers of each request. */
const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = []
/** The `host:port` of every CONNECT the proxy was asked for. */
const tunnels: string[] = []
const sockets = new Set<Socket>()
let api: Server
let proxy: Server

const port = (server: Server): number => (server.address() as AddressInfo).port
const listen = (server: Server): Promise<void> =>
  new Promise(resolve => server.listen(0, '127.0.0.1', resolve))

beforeAll(async () => {
  api = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"resources":{}}')
  })
  // A CONNECT proxy that sends every tunnel to the fake API, whatever host was asked for.
  proxy = createServer()
  proxy.on('connect', (req, client: Socket) => {
    tunnels.push(req.url ?? '')
    const upstream = connect(port(api), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.pipe(client).pipe(upstream)
    })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => undefined)
    }
  })
  await Promise.all([listen(api), listen(proxy)])
})

const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy']
const saved = Object.fromEntries(PROXY_VARIABLES.map(name => [name, process.env[name]]))

afterEach(() => {
  for (const name of PROXY_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
  seen.length = 0
  tunnels.length = 0
})

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  api.closeAllConnections()
  proxy.closeAllConnections()
  await Promise.all([api, proxy].map(s => new Promise(resolve => s.close(resolve))))
})

function client(apiUrl: string, env: NodeJS.ProcessEnv = {}) {
  return createOctokit('ghs_test_token', () => undefined, {
    GITHUB_API_URL: apiUrl,
    CONTRACT_DRIFT_TRIAGE_TIME_SCALE: '0.001',
    ...env
  })
}

describe('createOctokit', () => {
  it('calls the API at GITHUB_API_URL with the token and a user agent naming the action', async () => {
    for (const name of PROXY_VARIABLES) delete process.env[name]
    const octokit = await client(`http://127.0.0.1:${port(api)}/api/v3`, {
      ACTIONS_ORCHESTRATION_ID: 'run 42/job'
    })
    await octokit.request('GET /rate_limit')
    expect(seen).toHaveLength(1)
    expect(seen[0]!.url).toBe('/api/v3/rate_limit')
    expect(seen[0]!.headers.authorization).toBe('token ghs_test_token')
    expect(seen[0]!.headers['user-agent']).toMatch(
      /^contract-drift-triage actions_orchestration_id\/run_42_job octokit-core\.js\//
    )
  })

  it('goes through the proxy http_proxy names', async () => {
    process.env.http_proxy = `http://127.0.0.1:${port(proxy)}`
    const octokit = await client('http://api.github.test')
    const { status } = await octokit.request('GET /rate_limit')
    expect(status).toBe(200)
    expect(tunnels).toEqual(['api.github.test:80'])
    expect(seen[0]!.headers.host).toBe('api.github.test')
  })

  it('goes straight to a host no_proxy exempts', async () => {
    process.env.HTTP_PROXY = `http://127.0.0.1:${port(proxy)}`
    process.env.no_proxy = 'example.com, .github.test'
    const octokit = await client('http://api.github.test')
    // Straight means a DNS lookup of a name that does not exist: the request fails.
    await expect(octokit.request('GET /rate_limit', { request: { retries: 0 } })).rejects.toThrow()
    expect(tunnels).toEqual([])
  })

  it('goes straight to a loopback API even with a proxy set', async () => {
    process.env.http_proxy = `http://127.0.0.1:${port(proxy)}`
    const octokit = await client(`http://127.0.0.1:${port(api)}`)
    expect((await octokit.request('GET /rate_limit')).status).toBe(200)
    expect(tunnels).toEqual([])
    expect(seen).toHaveLength(1)
  })
})
