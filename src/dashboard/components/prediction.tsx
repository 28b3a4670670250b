import type { LabelledPrediction } from '../../common/protocols/predict.ts';

/** A prediction as a person reads it: the label the predictor named with its probability, and every class's probability as a bar; or a regression's value. */
export function Prediction({ answer, classes }: { answer: LabelledPrediction; classes: string[] }) {
  const { prediction } = answer;
  if (typeof prediction === 'number') return <p class="prediction">Predicted value: <strong>{prediction.toPrecision(6)}</strong></p>;
  if (!Array.isArray(prediction) || !prediction.every((p) => typeof p === 'number')) return <pre>{JSON.stringify(prediction)}</pre>;
  const probabilities = prediction;
  const label = (i: number) => classes[i] ?? `class ${i}`;
  return (
    <div class="prediction">
      {answer.label !== undefined && <p>Predicted: <strong>{answer.label}</strong> ({((answer.label_probability ?? 0) * 100).toFixed(1)} %)</p>}
      <table>
        <caption class="visually-hidden">Probability of each class</caption>
        <thead><tr><th scope="col">Class</th><th scope="col" class="numeric">Probability</th><th scope="col"><span class="visually-hidden">Bar</span></th></tr></thead>
        <tbody>
          {probabilities.map((p, i) => (
            <tr key={i}>
              <td>{label(i)}</td>
              <td class="numeric">{p.toFixed(4)}</td>
              <td class="bar-cell"><span class="bar" style={{ width: `${Math.round(p * 100)}%` }} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
