import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { jsonPathSegments, locateLine, pointerSegments } from '../src/parse/locate.js'
import { coordinateOf } from '../src/parse/inspector.js'
import { commandOperands, commandOption } from '../src/parse/command.js'

const json = `{
  "id": 7,
  "a/b": { "x~y": [1, 2] },
  "tags": [
    "a",
    3
  ],
  "owner": { "name": "x" }
}
`
const yaml = `openapi: 3.0.3
paths:
  /pets:
    get:
      tags:
      - pets
      - "animals"
      responses:
        '200':
          description: ok
items:
  - name: a
    kind: x
  - name: b
    kind: y
`
const sdl = `type Query {
  pets: [Pet]
  pet(
    id: ID!
    owner: String!
  ): Pet
}

type Pet {
  id: ID!
  name: Int!
}
`

describe('finding the line a pointer or coordinate names', () => {
  it.each([
    ['', 1],
    ['/id', 2],
    ['/a~1b/x~0y', 3],
    ['/tags', 4],
    ['/tags/1', 6],
    ['/owner/name', 8],
    ['/missing', undefined],
    ['/tags/9', undefined]
  ])('JSON %s is on line %s', (pointer, line) => {
    expect(locateLine(json, { pointer: pointerSegments(pointer) })).toBe(line)
  })

  it.each([
    ['#/paths/~1pets/get', 4],
    ['#/paths/~1pets/get/tags/1', 7],
    ['#/paths/~1pets/get/responses/200', 9],
    ['#/items/1', 14],
    ['#/items/1/kind', 15],
    ['#/items/0/kind', 13],
    ['#/paths/~1dogs', undefined]
  ])('YAML %s is on line %s', (pointer, line) => {
    expect(locateLine(yaml, { pointer: pointerSegments(pointer) })).toBe(line)
  })

  it.each([
    ['$', []],
    ['$.tags[1]', ['tags', '1']],
    ["$['a b'].c", ['a b', 'c']]
  ])('check-jsonschema path %s', (path, segments) => {
    expect(jsonPathSegments(path)).toEqual(segments)
  })

  it.each([
    ['Query', 1],
    ['Query.pets', 2],
    ['Query.pet.owner', 5],
    ['Pet.name', 11],
    ['Pet.age', 9],
    ['Dog', undefined]
  ])('GraphQL %s is on line %s', (coordinate, line) => {
    expect(locateLine(sdl, { coordinate })).toBe(line)
  })

  it.each([
    ['Field age was removed from object type Pet', 'Pet'],
    ['Field Pet.name changed type from String! to Int!', 'Pet.name'],
    ['Argument owner: String! added to field Query.pet', 'Query.pet.owner'],
    ["Type 'Dog' was removed", 'Dog'],
    ['Something else entirely', undefined]
  ])('GraphQL Inspector says %s: %s', (message, coordinate) => {
    expect(coordinateOf(message)).toBe(coordinate)
  })

  it('never throws, whatever the text and pointer', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.array(fc.string({ maxLength: 5 })),
        (text, pointer) => {
          locateLine(text, { pointer })
          locateLine(text, { coordinate: pointer.join('.') })
        }
      ),
      { numRuns: 500 }
    )
  })
})

describe('what the command names', () => {
  it('options and operands, quoted or not', () => {
    const command = `ajv validate -s "schema/pet schema.json" -d 'fixtures/*.json' --errors=json`
    expect(commandOption(command, ['-s'])).toBe('schema/pet schema.json')
    expect(commandOption(command, ['--errors'])).toBe('json')
    expect(commandOption(command, ['--missing'])).toBeUndefined()
    expect(
      commandOperands('npx graphql-inspector diff old.graphql new.graphql && echo ok', 'diff')
    ).toEqual(['old.graphql', 'new.graphql'])
  })
})
