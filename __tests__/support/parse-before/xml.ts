import type * as Sax from 'sax'

export type SaxModule = typeof Sax

let loaded: SaxModule | undefined
let loading: Promise<SaxModule> | undefined

/**
 * Loads the XML parser on first need: most validators print text, and start-up must not pay for
 * a parser only JUnit output needs (issue 9).
 */
export function loadXmlParser(): Promise<SaxModule> {
  loading ??= import('sax').then(module => {
    const sax = ((module as unknown as { default?: SaxModule }).default ?? module) as SaxModule
    // Bounds every buffer sax keeps (text, attribute values, DOCTYPE): beyond it sax reports an
    // error or hands text over in pieces, so no single node can take the memory.
    ;(sax as unknown as { MAX_BUFFER_LENGTH: number }).MAX_BUFFER_LENGTH = 1024 * 1024
    loaded = sax
    return sax
  })
  return loading
}

/** The XML parser when it is already loaded. */
export function xmlParserIfLoaded(): SaxModule | undefined {
  return loaded
}
