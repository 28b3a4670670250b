/**
 * A file sent to the Admin with its progress: the share of bytes sent, then the
 * wait while the Admin checks what it received, then the outcome. The last
 * upload's progress stays shown until the next one starts.
 */
import { useState } from 'preact/hooks';
import { upload } from './api.ts';
import { useSession } from './app-session.ts';

export interface UploadProgress {
  /** Share of the file sent, 0–1. */
  sent: number;
  phase: 'sending' | 'checking' | 'done' | 'failed';
}

export interface Upload<T> {
  progress: UploadProgress | null;
  /** While the file is sent or the Admin checks it. */
  busy: boolean;
  error: unknown;
  /** Sends the form; answers the Admin's answer, or null when it failed (then `error` says why). */
  send(path: string, form: FormData): Promise<T | null>;
}

export function useUpload<T>(): Upload<T> {
  const { session, expired } = useSession();
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const send = async (path: string, form: FormData) => {
    setError(null);
    setProgress({ sent: 0, phase: 'sending' });
    try {
      const answer = await upload<T>(path, form, session.token, (sent) => setProgress({ sent, phase: sent < 1 ? 'sending' : 'checking' }));
      setProgress({ sent: 1, phase: 'done' });
      return answer;
    } catch (caught) {
      setProgress((p) => ({ sent: p?.sent ?? 0, phase: 'failed' }));
      if (!expired(caught)) setError(caught);
      return null;
    }
  };
  return { progress, busy: progress?.phase === 'sending' || progress?.phase === 'checking', error, send };
}
