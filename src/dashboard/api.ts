/**
 * The dashboard's way to the Admin: the SDK's AdminApi (fetch, typed from the
 * API's own schemas), with the signed-in tab's token; uploads go through
 * XMLHttpRequest, the one browser API that reports upload progress.
 */
import { AdminApi } from '../client/admin-api.ts';
import { RafikiClientError } from '../client/errors.ts';
import type { ErrorBody } from '../common/errors.ts';

export { RafikiClientError };

export function adminApi(token?: string): AdminApi {
  return new AdminApi({ adminUrl: location.origin, ...(token ? { token } : {}) });
}

/** Sends a form with a file to the Admin, reporting the share sent so far (0–1). */
export function upload<T>(path: string, form: FormData, token: string, onProgress: (sent: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    request.setRequestHeader('authorization', `Bearer ${token}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        resolve(JSON.parse(request.responseText) as T);
        return;
      }
      try {
        const { error } = JSON.parse(request.responseText) as ErrorBody;
        reject(new RafikiClientError(request.status, error.code, error.message));
      } catch {
        reject(new RafikiClientError(request.status, 'INTERNAL', request.statusText || 'the upload failed'));
      }
    };
    request.onerror = () => reject(new RafikiClientError(0, 'NETWORK', 'the upload could not reach the Admin'));
    request.send(form);
  });
}
