/**
 * scripts/minify-chunks.mjs's last step: a lazy chunk's module factories parenthesised, so V8
 * compiles them as the chunk loads instead of pre-parsing them first (issue 18).
 */
import { describe, expect, it } from '@jest/globals'
// @ts-expect-error -- plain JavaScript run by `npm run build`
import { compileEagerly, isLazyChunk } from '../scripts/minify-chunks.mjs'

type Factory = (
  module: { exports: unknown },
  exports: Record<string, unknown>,
  require: unknown
) => void

/** A chunk's `modules`, evaluated as node would import it. */
async function modulesOf(code: string): Promise<Record<string, Factory>> {
  const body = code.replace(/export const (\w+)=/g, 'exports.$1=')
  const exports: Record<string, unknown> = {}
  new Function('exports', body)(exports)
  return exports.modules as Record<string, Factory>
}

// ncc's ESM chunk as terser leaves it: arrow and function factories, a nested function, a string
// that looks like a factory.
const CHUNK =
  'export const id=7;export const ids=[7];export const modules={12:(e,t,n)=>{n.d(t,{a:()=>s});const s=()=>"12:(e)=>{"},' +
  '34:function(e){e.exports=function(){return 34}},"56":e=>{e.exports=[1,2]}};'

describe('compileEagerly', () => {
  it('parenthesises every module factory of a chunk and nothing else', () => {
    expect(compileEagerly(CHUNK)).toBe(
      'export const id=7;export const ids=[7];export const modules={12:((e,t,n)=>{n.d(t,{a:()=>s});const s=()=>"12:(e)=>{"}),' +
        '34:(function(e){e.exports=function(){return 34}}),"56":(e=>{e.exports=[1,2]})};'
    )
  })

  it('leaves what each factory exports unchanged', async () => {
    const run = async (code: string): Promise<unknown[]> => {
      const modules = await modulesOf(code)
      return Object.keys(modules).map(id => {
        const module = { exports: {} as Record<string, unknown> }
        const define = (target: object, getters: Record<string, () => unknown>): void => {
          for (const [key, get] of Object.entries(getters))
            Object.defineProperty(target, key, { get, enumerable: true })
        }
        modules[id]!(module, module.exports, { d: define })
        const value = module.exports
        if (typeof value === 'function') return (value as () => unknown)()
        return Object.fromEntries(
          Object.entries(value).map(([key, v]) => [
            key,
            typeof v === 'function' ? (v as () => unknown)() : v
          ])
        )
      })
    }
    expect(await run(compileEagerly(CHUNK))).toEqual(await run(CHUNK))
  })

  it('fails the build, naming the file, when the chunk format is not the one it knows', () => {
    expect(() => compileEagerly('export const mods={1:()=>{}};', 'dist/9.index.js')).toThrow(
      /dist\/9\.index\.js: no `export const modules = \{…\}` found; has ncc's chunk format changed\?/
    )
  })

  it.each([
    ['133.index.js', true],
    ['6.index.mjs', true],
    ['index.js', false],
    ['licenses.txt', false]
  ])('treats %s as a lazy chunk: %s', (name, lazy) => {
    expect(isLazyChunk(name)).toBe(lazy)
  })
})
