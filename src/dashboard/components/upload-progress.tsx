/** An upload's progress bar, labelled, with what is happening in words (announced to screen readers). */
import { useId } from 'preact/hooks';
import type { UploadProgress as Progress } from '../use-upload.ts';

const WORDS: Record<Progress['phase'], (percent: number) => string> = {
  sending: (percent) => `Sending… ${percent}%`,
  checking: () => 'Sent; the Admin is checking it…',
  done: () => 'Sent and checked.',
  failed: (percent) => `Not stored (${percent}% sent); the reason is below.`,
};

export function UploadProgress({ label, progress }: { label: string; progress: Progress | null }) {
  const id = useId();
  if (!progress) return null;
  const percent = Math.round(progress.sent * 100);
  return (
    <div class="upload-progress">
      <label for={id}>{label}</label>
      <progress id={id} max={1} value={progress.sent}>{percent}%</progress>
      <span role="status">{WORDS[progress.phase](percent)}</span>
    </div>
  );
}
