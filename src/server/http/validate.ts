// Request validation with zod: a bad body or query string gets a 400 that names each field and
// what is wrong with it.
import type { Context } from 'hono';
import type { z } from 'zod';
import { badRequest, HttpError } from './errors.js';

function problems(error: z.ZodError): Array<{ field: string; message: string }> {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

function refuse(where: string, error: z.ZodError): HttpError {
  const list = problems(error);
  const summary = list.map((p) => `${p.field}: ${p.message}`).join('; ');
  return badRequest(`invalid ${where}: ${summary}`, { problems: list });
}

export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new HttpError(415, {
      error: 'the request body must be JSON (Content-Type: application/json)',
    });
  }
  let value: unknown;
  try {
    value = await c.req.json();
  } catch {
    throw badRequest('the request body is not valid JSON');
  }
  const result = schema.safeParse(value);
  if (!result.success) throw refuse('request body', result.error);
  return result.data;
}

export function queryParams<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) throw refuse('query string', result.error);
  return result.data;
}
