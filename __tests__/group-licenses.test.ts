/**
 * dist/licenses.txt after `npm run build`: each distinct license text once, every package's
 * name, license id and copyright line still there (scripts/group-licenses.mjs, issue 18).
 */
import { describe, expect, it } from '@jest/globals'
import {
  bundledPackages,
  groupLicenses,
  licenseEntry,
  parseLicenses
  // @ts-expect-error -- plain JavaScript run by `npm run build`
} from '../scripts/group-licenses.mjs'

const MIT = (width: number): string =>
  [
    'Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software.',
    '',
    'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.'
  ]
    .join('\n')
    .replace(new RegExp(`(.{1,${width}}) (?=Permission|[a-z])`, 'g'), '$1\n')
const entry = (name: string, id: string, text: string): string => `${name}\n${id}\n${text}\n\n`
const known = new Set(['a', '@s/b', 'c', 'd'])
const isPackage = (name: string): boolean => known.has(name)
const count = (text: string, part: string): number => text.split(part).length - 1

describe('groupLicenses', () => {
  it.each([
    {
      layout: 'same MIT text, wrapped differently',
      input:
        entry('@s/b', 'MIT', `MIT License\n\nCopyright (c) 2020 B\n\n${MIT(1000)}`) +
        entry('a', 'MIT', `The MIT License\n\nCopyright (c) 2019 A people\n\n${MIT(70)}`),
      texts: 1
    },
    {
      layout: 'different wording stays apart',
      input:
        entry('@s/b', 'MIT', `Copyright (c) 2020 B\n\n${MIT(70).replace('"AS IS"', '*AS IS*')}`) +
        entry('a', 'MIT', `Copyright (c) 2019 A people\n\n${MIT(70)}`),
      texts: 2
    },
    {
      layout: 'a license without a permission text is kept whole',
      input:
        entry('a', 'MIT', `Copyright (c) 2019 A people\n\n${MIT(70)}`) +
        entry('c', 'Apache-2.0', 'Apache License\n\nVersion 2.0\n\na\nMIT\n\nlast words') +
        entry('d', 'MIT', `Copyright (c) 2021 D\n\n${MIT(70)}`),
      texts: 1
    }
  ])('$layout: every notice kept, $texts permission text(s)', ({ input, texts }) => {
    const output = groupLicenses(input.trim() + '\n', isPackage)
    for (const { name, license, notice } of parseLicenses(input, isPackage)) {
      expect(output).toContain(`${name}\n${license}\n${notice}`)
    }
    expect(count(output, 'Permission is hereby granted')).toBe(texts)
    expect(output).toContain('last words'.repeat(input.includes('last words') ? 1 : 0))
    expect(output.length).toBeLessThanOrEqual(input.length)
  })

  it('parses ncc output: a text line that looks like a header stays in its text', () => {
    const input =
      entry('c', 'Apache-2.0', 'Apache License\n\na\nMIT\n\nend') + entry('d', 'MIT', 'Copyright D')
    expect(parseLicenses(input, isPackage)).toEqual([
      { name: 'c', license: 'Apache-2.0', notice: 'Apache License\n\na\nMIT\n\nend', text: '' },
      { name: 'd', license: 'MIT', notice: 'Copyright D', text: '' }
    ])
  })

  it('refuses a file that is not ncc output', () => {
    expect(() => groupLicenses('just some text\n', isPackage)).toThrow(/licenses\.txt/)
  })

  it('adds the bundled packages ncc left out, in name order, from their own license files', () => {
    const input = entry('c', 'MIT', `Copyright (c) 2019 C\n\n${MIT(70)}`)
    const output = groupLicenses(input, isPackage, ['a', 'c'], (name: string) =>
      entry(name, 'MIT', `Copyright (c) 2024 ${name} people\n\n${MIT(90)}`)
    )
    expect(output).toMatch(
      /^a\nMIT\nCopyright \(c\) 2024 a people\n\nc\nMIT\nCopyright \(c\) 2019 C\n/
    )
    expect(count(output, 'Permission is hereby granted')).toBe(1)
    expect(count(output, 'Copyright (c) 2019 C')).toBe(1)
  })
})

describe('the packages a bundle holds', () => {
  it('come from the module paths of ncc stats, nested modules included, orphans left out', () => {
    const stats = {
      modules: [
        { name: './src/main.ts' },
        { name: './node_modules/@actions/core/lib/core.js' },
        {
          name: './node_modules/undici/index.js + 3 modules',
          modules: [{ name: './node_modules/@octokit/core/dist-src/index.js' }]
        },
        { name: './node_modules/@actions/github/node_modules/@octokit/request/dist-src/index.js' },
        // imported by @actions/core, left out of every chunk: not in the bundle
        { name: './node_modules/@actions/http-client/lib/index.js', chunks: [], orphan: true }
      ]
    }
    expect(bundledPackages(stats)).toEqual([
      '@actions/core',
      '@octokit/core',
      '@octokit/request',
      'undici'
    ])
  })

  it("take a package's license text from its LICENSE file", () => {
    expect(licenseEntry('@actions/core')).toMatch(
      /^@actions\/core\nMIT\n[\s\S]*Permission is hereby granted/
    )
    expect(() => licenseEntry('@actions/core', '__tests__/__fixtures__')).toThrow(
      /package\.json|LICENSE/
    )
  })
})
