/**
 * The `fetch` octokit calls, over node's own http and https. Node's built-in fetch and the npm
 * undici compile their HTTP parser from WebAssembly in every process that loads them: about a
 * quarter of the CPU of a run that files an incident (issue 14). The runner's proxy settings are
 * read as `@actions/http-client` reads them, and a proxy is reached through the same tunnel.
 */
import { Agent as HttpAgent, globalAgent as httpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, globalAgent as httpsAgent, request as httpsRequest } from 'node:https'
import type { IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import * as tunnel from 'tunnel'

/** GitHub answers in seconds: a request not answered, body and all, in this long is given up. */
const SILENCE_MS = 300_000
const MAX_REDIRECTS = 20

/** What octokit reads of a fetch response. */
export interface FetchedResponse {
  status: number
  statusText: string
  url: string
  headers: Map<string, string>
  /** The body as it came (octokit hands it over with `parseSuccessResponseBody: false`). */
  body: Readable
  text(): Promise<string>
  arrayBuffer(): Promise<ArrayBuffer>
}

export interface FetchInit {
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array | null
}

/**
 * The proxy a request to `url` goes through: `https_proxy` (or `http_proxy` for plain http)
 * unless `no_proxy` names its host, or the host is this machine, as the toolkit decides.
 */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): URL | undefined {
  const host = url.hostname.toLowerCase()
  if (host === 'localhost' || host.startsWith('127.') || host === '[::1]') return undefined
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  const bypass = (env.no_proxy || env.NO_PROXY || '')
    .split(',')
    .map(entry => entry.trim().toLowerCase())
    .filter(Boolean)
  const named = (entry: string): boolean =>
    entry === '*' ||
    [host, `${host}:${port}`].some(
      name => name === entry || name.endsWith(entry.startsWith('.') ? entry : `.${entry}`)
    )
  if (bypass.some(named)) return undefined
  const proxy =
    url.protocol === 'https:'
      ? env.https_proxy || env.HTTPS_PROXY
      : env.http_proxy || env.HTTP_PROXY
  if (!proxy) return undefined
  // `proxy.corp:3128` names a host and port, not a URL of scheme `proxy.corp:`
  const address = /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`
  const parsed = URL.canParse(address) ? new URL(address) : undefined
  if (parsed?.hostname && ['http:', 'https:'].includes(parsed.protocol)) return parsed
  throw new Error(
    `The runner's proxy setting ${JSON.stringify(proxy.replace(/\/\/[^/@]*@/, '//***@'))} is not an http or https address: set https_proxy (or http_proxy) to http://host:port.`
  )
}

/** A user name or password as written in the proxy URL (`%40` for `@`), or as it is. */
function unescaped(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}

/**
 * The agent for a request to `url`: node's own (kept alive) without a proxy, else a tunnel
 * through it, one per request like the toolkit's (they send `connection: close`). `signal` stops
 * its CONNECT, which a silent proxy would leave open, holding the run until the job's timeout.
 */
function agentFor(url: URL, env: NodeJS.ProcessEnv, signal: AbortSignal): HttpAgent | HttpsAgent {
  const secure = url.protocol === 'https:'
  const proxy = proxyFor(url, env)
  if (!proxy) return secure ? httpsAgent : httpAgent
  const overHttps = proxy.protocol === 'https:'
  const make = secure
    ? overHttps
      ? tunnel.httpsOverHttps
      : tunnel.httpsOverHttp
    : overHttps
      ? tunnel.httpOverHttps
      : tunnel.httpOverHttp
  const auth =
    proxy.username || proxy.password
      ? `${unescaped(proxy.username)}:${unescaped(proxy.password)}`
      : undefined
  // tunnel passes the proxy options on to its CONNECT request as they are, `signal` included
  const options = {
    host: proxy.hostname,
    port: Number(proxy.port || (overHttps ? 443 : 80)),
    ...(auth ? { proxyAuth: auth } : {}),
    signal
  }
  return make({ proxy: options as tunnel.ProxyOptions }) as HttpAgent
}

/** The body in the encoding it was asked for (`accept-encoding: gzip, br`). */
function decoded(body: Buffer, encoding: string | undefined): Buffer {
  const name = encoding?.trim().toLowerCase()
  return name === 'gzip' ? gunzipSync(body) : name === 'br' ? brotliDecompressSync(body) : body
}

/** One request, its whole response read. */
function exchange(
  url: URL,
  init: FetchInit,
  env: NodeJS.ProcessEnv,
  silenceMs: number
): Promise<{ message: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    const stop = new AbortController()
    const request = send(url, {
      method: init.method ?? 'GET',
      headers: { 'accept-encoding': 'gzip, br', ...init.headers },
      agent: agentFor(url, env, stop.signal)
    })
    // From the start, not the socket's: through a proxy the socket exists only once the proxy
    // has answered CONNECT.
    const silence = setTimeout(() => {
      fail(new Error(`${url.host} did not answer within ${silenceMs / 1000} s`))
      request.destroy()
      stop.abort()
    }, silenceMs)
    const fail = (error: Error): void => {
      clearTimeout(silence)
      // an Error of this module's realm: octokit keeps the message of an `instanceof Error` only
      // (the tests run the module in a vm realm of its own)
      reject(new Error(error.message, { cause: error }))
    }
    request.on('error', fail)
    request.on('response', message => {
      const chunks: Buffer[] = []
      message.on('data', (chunk: Buffer) => chunks.push(chunk))
      message.on('error', fail)
      message.on('end', () => {
        clearTimeout(silence)
        const body = Buffer.concat(chunks)
        try {
          // an empty body is not encoded, whatever the headers say (a 204, a redirect)
          resolve({
            message,
            body: body.length ? decoded(body, message.headers['content-encoding']) : body
          })
        } catch (error) {
          reject(error)
        }
      })
    })
    request.end(init.body ?? undefined)
  })
}

/**
 * A redirect as fetch follows it: 303, and 301 or 302 after a POST, turn into a GET without a
 * body; the token is not sent to another origin.
 */
function redirected(
  from: URL,
  status: number,
  init: FetchInit,
  location: string
): [URL, FetchInit] {
  const to = new URL(location, from)
  const method = init.method?.toUpperCase() ?? 'GET'
  const asGet =
    status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST'
  const headers = Object.fromEntries(
    Object.entries(init.headers ?? {}).filter(
      ([name]) =>
        !(asGet && /^content-/i.test(name)) &&
        !(to.origin !== from.origin && /^authorization$/i.test(name))
    )
  )
  return [to, asGet ? { method: 'GET', headers } : { ...init, headers }]
}

/** `fetch` for octokit's `request.fetch`, over node's http and https. */
export function nodeFetch(env: NodeJS.ProcessEnv = process.env, silenceMs = SILENCE_MS) {
  return async (resource: string, init: FetchInit = {}): Promise<FetchedResponse> => {
    let url = new URL(resource)
    for (let hops = 0; ; hops++) {
      const { message, body } = await exchange(url, init, env, silenceMs)
      const status = message.statusCode ?? 0
      const location = message.headers.location
      if ([301, 302, 303, 307, 308].includes(status) && location) {
        if (hops === MAX_REDIRECTS)
          throw new Error(`${resource}: more than ${MAX_REDIRECTS} redirects`)
        ;[url, init] = redirected(url, status, init, location)
        continue
      }
      const headers = new Map(
        Object.entries(message.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : (value ?? '')
        ])
      )
      return {
        status,
        statusText: message.statusMessage ?? '',
        url: url.href,
        headers,
        body: Readable.from([body]),
        text: async () => body.toString('utf8'),
        arrayBuffer: async () =>
          body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer
      }
    }
  }
}
