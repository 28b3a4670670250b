/**
 * Try a deployed job: a form built from its model's inputs (a named field per
 * column for a table, an image file or a drawing for images; a JSON query when
 * the predictor does not describe its inputs), and the answer as labels and probabilities.
 */
import { useState } from 'preact/hooks';
import type { V2ModelMetadata } from '../../client/admin-api.ts';
import type { LabelledPrediction } from '../../common/protocols/predict.ts';
import { ErrorNote } from './error-note.tsx';
import { ImageInput } from './image-input.tsx';
import { Prediction } from './prediction.tsx';

/** `predict`: sends one query to the job (through the Admin) and answers the predictor's answer. */
export function TryIt({ model, predict }: { model: V2ModelMetadata; predict: (query: unknown) => Promise<LabelledPrediction> }) {
  const [answer, setAnswer] = useState<LabelledPrediction | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const input = model.inputs[0];
  const columns = input?.parameters?.columns ?? [];
  const categories = input?.parameters?.categories ?? {};
  const classes = model.outputs[0]?.parameters?.classes ?? [];
  const shape = input?.shape ?? [];
  const image = shape.length >= 3 && shape.slice(1).every((d) => d > 0)
    ? { height: shape[1]!, width: shape[2]!, channels: shape[3] ?? 1 }
    : null;

  const ask = async (query: unknown) => {
    setBusy(true);
    setError(null);
    try {
      setAnswer(await predict(query));
    } catch (caught) {
      setAnswer(null);
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const submitTable = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    if (columns.length === 0) {
      try {
        void ask(JSON.parse(String(form.get('query'))));
      } catch (caught) {
        setError(new Error(`the query is not JSON: ${(caught as Error).message}`));
      }
      return;
    }
    const query: Record<string, string | number> = {};
    for (const column of columns) {
      const value = String(form.get(column));
      query[column] = categories[column] ? value : Number(value);
    }
    void ask(query);
  };

  return (
    <section class="card" aria-labelledby="try-it">
      <h2 id="try-it">Try it</h2>
      {image ? <ImageInput shape={image} onQuery={(q) => void ask(q)} /> : (
        <form onSubmit={submitTable} aria-label="Query" class={columns.length > 0 ? 'inline-form' : undefined}>
          {columns.length > 0 ? columns.map((column) => (
            <label key={column}>{column}
              {categories[column]
                ? <select name={column} required>{categories[column]!.map((c) => <option key={c}>{c}</option>)}</select>
                : <input name={column} type="number" step="any" required />}
            </label>
          )) : (
            <label>Query (JSON, as the predictor's <code>/predict</code> takes it)<textarea name="query" rows={4} required /></label>
          )}
          <button type="submit" disabled={busy}>{busy ? 'Predicting…' : 'Predict'}</button>
        </form>
      )}
      <ErrorNote error={error} />
      <div aria-live="polite">{answer && <Prediction answer={answer} classes={classes} />}</div>
    </section>
  );
}
