/**
 * The address each request came from, as the listener saw it: Elysia's `app.handle`
 * gets a bare Request, so the Admin's listener notes the address here for the
 * routes that need it (login throttling).
 */
const addresses = new WeakMap<Request, string>();

export function noteAddress(request: Request, address: string | undefined): void {
  if (address) addresses.set(request, address);
}

export function addressOf(request: Request): string | undefined {
  return addresses.get(request);
}
