/** A job's or trial's status as a labelled badge (the word, not only a colour). */
export function Status({ status }: { status: string }) {
  return <span class={`status status-${status.toLowerCase()}`}>{status}</span>;
}
