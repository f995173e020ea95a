// Microsoft Graph error bodies: {"error":{"code","message","innerError":{date, request-id,
// client-request-id}}}, with the codes Graph uses for directory objects (Request_*,
// Authorization_RequestDenied) and for drives (itemNotFound, accessDenied, invalidRequest).
import { randomUUID } from 'node:crypto';

export interface GraphAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export function graphError(
  status: number,
  code: string,
  message: string,
  nowMs: number,
  clientRequestId?: string,
  headers: Record<string, string> = {},
): GraphAnswer {
  const requestId = randomUUID();
  return {
    status,
    headers: { 'Content-Type': 'application/json', 'request-id': requestId, ...headers },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date(nowMs).toISOString().slice(0, 19),
          'request-id': requestId,
          'client-request-id': clientRequestId ?? requestId,
        },
      },
    },
  };
}

export const GRAPH = {
  userNotFound: (id: string) => ({
    status: 404,
    code: 'Request_ResourceNotFound',
    message: `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  }),
  badRequest: (message: string) => ({ status: 400, code: 'Request_BadRequest', message }),
  /** Directory objects: the real message does not name the permission (hence a header too). */
  directoryDenied: () => ({
    status: 403,
    code: 'Authorization_RequestDenied',
    message: 'Insufficient privileges to complete the operation.',
  }),
  filesDenied: (noRoles: boolean) => ({
    status: 403,
    code: 'accessDenied',
    message: noRoles
      ? 'Either scp or roles claim need to be present in the token.'
      : 'Access denied',
  }),
  itemNotFound: () => ({
    status: 404,
    code: 'itemNotFound',
    message: 'The resource could not be found.',
  }),
  /**
   * UNVERIFIED wording/status: Graph refuses to delete inherited permissions
   * (docs/microsoft-apis.md, "Drive items and their permissions").
   */
  inherited: () => ({
    status: 400,
    code: 'invalidRequest',
    message:
      'Inherited permissions cannot be removed from this item; remove the permission from the item it is inherited from.',
  }),
  notSupported: (what: string) => ({
    status: 400,
    code: 'BadRequest',
    message: `${what} is not supported.`,
  }),
  noRoute: (method: string, path: string) => ({
    status: 400,
    code: 'BadRequest',
    message: `Resource not found for the segment '${path.split('/').filter(Boolean).pop() ?? path}'. (${method})`,
  }),
} as const;
