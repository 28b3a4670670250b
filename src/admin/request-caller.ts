/**
 * Who made each request, once the guard knows: the request log names the
 * user without the routes passing it along (the listener sees only the Request).
 */
const callers = new WeakMap<Request, string>();

export function noteCaller(request: Request, userId: string): void {
  callers.set(request, userId);
}

export function callerOf(request: Request): string | undefined {
  return callers.get(request);
}
