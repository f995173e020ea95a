// A JSON value: what every answer of the API is made of, and a cell of a query answer.
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
