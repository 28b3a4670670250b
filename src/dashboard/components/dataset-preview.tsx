/**
 * What a dataset holds, briefly, as the upload's check saw it: a table's columns
 * with their types and its first rows; images' class counts and thumbnails.
 */
import type { DatasetPreviewJson } from '../../admin/schemas/datasets.ts';
import { DataTable } from './data-table.tsx';

type TablePreview = Extract<DatasetPreviewJson, { kind: 'table' }>;
type ImagesPreview = Extract<DatasetPreviewJson, { kind: 'images' }>;

export function DatasetPreview({ preview, rows }: { preview: DatasetPreviewJson; rows?: number | undefined }) {
  return preview.kind === 'table' ? <TableRows preview={preview} total={rows} /> : <Images preview={preview} />;
}

function TableRows({ preview, total }: { preview: TablePreview; total: number | undefined }) {
  const caption = preview.rows.length === 0
    ? "Each column's type (its rows are too wide to preview)"
    : `The first ${preview.rows.length} rows${total === undefined ? '' : ` of ${total.toLocaleString()}`}, with each column's type`;
  return (
    <figure class="preview">
      <figcaption>{caption}</figcaption>
      <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>
        <table>
          <thead>
            <tr>
              {preview.columns.map((c) => (
                <th key={c.name} scope="col" class={c.type === 'numeric' ? 'numeric' : undefined}>
                  {c.name}<br /><small class="column-type">{c.type}</small>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row, i) => (
              <tr key={i}>
                {row.map((cell, j) => <td key={j} class={preview.columns[j]?.type === 'numeric' ? 'numeric' : undefined}>{cell}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

function Images({ preview }: { preview: ImagesPreview }) {
  const most = Math.max(1, ...preview.classes.map((c) => c.count));
  return (
    <div class="cards">
      <section class="card" aria-labelledby="class-counts">
        <h3 id="class-counts">Images per class</h3>
        <DataTable
          caption="Images per class"
          rows={preview.classes}
          rowKey={(c) => c.label}
          columns={[
            { key: 'label', label: 'Class', value: (c) => c.label },
            { key: 'count', label: 'Images', value: (c) => c.count, numeric: true },
            { key: 'bar', label: 'Share', render: (c) => <span class="bar" aria-hidden="true" style={{ width: `${(100 * c.count) / most}%` }} /> },
          ]}
        />
      </section>
      <section class="card" aria-labelledby="samples">
        <h3 id="samples">Samples, from each class in turn</h3>
        <ul class="thumbnails">
          {preview.samples.map((s, i) => (
            <li key={i}>
              <figure>
                <img src={s.image} alt={`An image of class ${s.label}`} width={64} height={64} />
                <figcaption>{s.label}</figcaption>
              </figure>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
