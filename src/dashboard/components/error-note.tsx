/** An error where it happened, in the API's own words. */
import { RafikiClientError } from '../api.ts';

export function errorText(error: unknown): string {
  if (error instanceof RafikiClientError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return <p class="error" role="alert">{errorText(error)}</p>;
}
