/**
 * Secret redaction for everything that leaves the runner: the values the action knows are
 * secret, their base64 forms, and common credential formats.
 */
const CREDENTIALS: RegExp[] = [
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{20,255})\b/g,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /(?<=\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+(?=@)/gi
]
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL/i
// Named like a secret but not one: the `incident-key` input is part of the incident key itself,
// the `job-key` input names the job in the summary.
const NOT_SECRET = /^INPUT_(INCIDENT|JOB)[-_]KEY$/i
const MASK = '***'

export type Redactor = (text: string) => string

/** Secret values from the environment: variables (and `INPUT_*`) whose names say they are secret. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(
      ([name, value]) =>
        SECRET_NAME.test(name) && !NOT_SECRET.test(name) && value !== undefined && value.length >= 6
    )
    .map(([, value]) => value as string)
}

export function createRedactor(secrets: readonly string[]): Redactor {
  const values = new Set<string>()
  for (const secret of secrets) {
    if (secret.length < 6) continue
    values.add(secret)
    // Stryker disable next-line Regex: base64 has '=' only as its trailing padding, so /=+/ is the same
    values.add(Buffer.from(secret).toString('base64').replace(/=+$/, ''))
  }
  const ordered = [...values].sort((a, b) => b.length - a.length)
  return text => {
    let out = text
    for (const value of ordered) out = out.split(value).join(MASK)
    for (const pattern of CREDENTIALS) out = out.replace(pattern, MASK)
    return out
  }
}
