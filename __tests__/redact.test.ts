import { describe, expect, it } from '@jest/globals'
import { createRedactor, secretsFromEnv } from '../src/redact.js'

// Made-up credentials in the shapes the formats use; none of them is real.
const GHP = `ghp_${'A1b2C3d4E5'.repeat(3)}abcdef`
const FINE_GRAINED = `github_pat_11ABCDEFG0${'x9Y8z7W6v5'.repeat(7)}Q`
const AKIA = 'AKIAIOSFODNN7EXAMPLE'
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtY3Atb3duZXIiLCJpYXQiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLXZhbHVlLWhlcmU'
const PEM = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo',
  '4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onL',
  '-----END RSA PRIVATE KEY-----'
].join('\n')

describe('createRedactor', () => {
  it('masks a known secret and its base64 form wherever they appear', () => {
    const secret = 'hunter2-billing-d' // 17 bytes: its base64 ends in one '='
    const encoded = Buffer.from(secret).toString('base64')
    const redact = createRedactor([secret])
    expect(redact(`connecting with password=${secret} (header: Basic ${encoded})`)).toBe(
      'connecting with password=*** (header: Basic ***=)'
    )
    expect(redact(`${secret}${secret}`)).toBe('******')
  })

  it('masks the base64 form of a secret wherever its padding was dropped (a JWT, a URL)', () => {
    const secret = 'hunter2' // 7 bytes: its base64 ends in '=='
    const encoded = Buffer.from(secret).toString('base64')
    expect(encoded).toMatch(/[^=]==$/)
    const redact = createRedactor([secret])
    expect(redact(`token=${encoded.replace(/=+$/, '')}&next`)).toBe('token=***&next')
    expect(redact(`Basic ${encoded}`)).toBe('Basic ***==')
  })

  it('masks a secret that contains another one as a whole, leaving no part of it', () => {
    // The shorter one masked first would leave `***-billing-db` behind.
    const redact = createRedactor(['hunter2', 'hunter2-billing-db'])
    expect(redact('password hunter2-billing-db, then hunter2')).toBe('password ***, then ***')
    expect(createRedactor(['hunter2-billing-db', 'hunter2'])('hunter2-billing-db')).toBe('***')
  })

  it('masks a known secret that holds regular expression characters', () => {
    expect(createRedactor(['p@$$.(w0rd)*'])('auth failed for p@$$.(w0rd)* on db')).toBe(
      'auth failed for *** on db'
    )
  })

  it('ignores known values too short to be secrets', () => {
    expect(createRedactor(['1', 'true', ''])('exit 1: true')).toBe('exit 1: true')
  })

  it.each([
    [
      'a classic personal access token',
      `git push https://github.com/acme/billing with ${GHP}`,
      'git push https://github.com/acme/billing with ***'
    ],
    ['a fine-grained token', `GH_TOKEN=${FINE_GRAINED} gh pr view`, 'GH_TOKEN=*** gh pr view'],
    ['an AWS access key id', `aws_access_key_id = ${AKIA}`, 'aws_access_key_id = ***'],
    [
      'a PEM private key block',
      `loaded key:\n${PEM}\nthen continued`,
      'loaded key:\n***\nthen continued'
    ],
    [
      'a PEM private key cut off by the log',
      `key:\n${PEM.split('\n').slice(0, 2).join('\n')}`,
      'key:\n***'
    ],
    ['a JWT', `Authorization: Bearer ${JWT}`, 'Authorization: Bearer ***'],
    [
      'a password in a URL',
      'cloning https://ci-bot:s3cr3t-pass@git.example.test/acme/billing.git',
      'cloning https://ci-bot:***@git.example.test/acme/billing.git'
    ],
    [
      'a token in a URL',
      `fetch https://x-access-token:${GHP}@github.com/acme/billing`,
      'fetch https://x-access-token:***@github.com/acme/billing'
    ]
  ])('masks %s', (_case, text, expected) => {
    expect(createRedactor([])(text)).toBe(expected)
  })

  it('leaves ordinary validator output and links untouched', () => {
    const text = [
      "[fixture-coverage] ERROR: MCP pack 'billing.aws.ingest' version '1.0' missing required file: response.expected.json",
      "[legacy-alias-parity] ERROR: rows[1].response.providerAdapterId expected 'aws-billing', got 'gcp-billing'",
      'Incident DRIFT-20240611-a3f5c9 at https://github.com/acme/billing/issues/42 (head 3f786850e387550fdab836ed7e6dc881de23001b)',
      'git@github.com:acme/billing.git, ssh://git@github.com/acme/billing.git, http://localhost:8080/api@v2, mail qa-lead@example.test',
      'KEY_ID=1234 TOKEN_TTL=3600 eyJust a word'
    ].join('\n')
    expect(createRedactor(['not-in-the-text'])(text)).toBe(text)
  })
})

describe('secretsFromEnv', () => {
  it('picks the values of variables named as tokens, secrets, passwords or keys, and only those', () => {
    const env = {
      GITHUB_TOKEN: 'ghs_runnertoken000000000000',
      'INPUT_GITHUB-TOKEN': 'ghs_inputtoken0000000000000',
      NPM_TOKEN: 'npm_abcdef123456',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      DB_PASSWORD: 'hunter2-billing-db',
      api_key: 'lowercase-key-value',
      HOME: '/home/runner',
      PATH: '/usr/local/bin:/usr/bin',
      GITHUB_REPOSITORY: 'acme/billing',
      GITHUB_WORKSPACE: '/home/runner/work/billing/billing',
      RUNNER_OS: 'Linux',
      'INPUT_VALIDATOR-TIMEOUT': '600000',
      SHORT_TOKEN: '12345',
      UNSET_SECRET: undefined
    }
    expect(secretsFromEnv(env).sort()).toEqual(
      [
        'ghs_runnertoken000000000000',
        'ghs_inputtoken0000000000000',
        'npm_abcdef123456',
        'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        'hunter2-billing-db',
        'lowercase-key-value'
      ].sort()
    )
  })

  it("does not take the action's own incident-key and job-key inputs for secrets", () => {
    // Their values are part of the incident key and the stored results: masking them would break both.
    const env = {
      'INPUT_INCIDENT-KEY': 'billing-service',
      INPUT_INCIDENT_KEY: 'billing-service',
      'INPUT_JOB-KEY': 'fixtures',
      INPUT_JOB_KEY: 'fixtures'
    }
    expect(secretsFromEnv(env)).toEqual([])
    expect(createRedactor(secretsFromEnv(env))('acme/billing:pr-140:billing-service')).toBe(
      'acme/billing:pr-140:billing-service'
    )
  })

  // Six characters is the shortest value taken for a secret: `SHORT_TOKEN=12345` stays readable,
  // a six-character password does not reach the issue.
  it.each([
    ['five characters: shown', '12345', 'login with 12345 failed'],
    ['six characters: masked', 'pa55wd', 'login with *** failed'],
    ['seven characters: masked', 'pa55wd!', 'login with *** failed']
  ])('a secret from the environment of %s', (_case, value, expected) => {
    const env = { DB_PASSWORD: value }
    const redact = createRedactor(secretsFromEnv(env))
    expect(redact(`login with ${value} failed`)).toBe(expected)
  })
})
