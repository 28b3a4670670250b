/** A template's knob config as a table: each knob's type and its range, values or fixed value, as the config holds them. */
import type { Knob, KnobConfig } from '../../model/knobs.ts';
import { DataTable } from './data-table.tsx';

const list = (values: unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');

function valuesOf(knob: Knob): string {
  switch (knob.type) {
    case 'fixed': return JSON.stringify(knob.value);
    case 'categorical': return list(knob.values);
    default: return `${knob.min} – ${knob.max}`;
  }
}

const scaleOf = (knob: Knob) => (knob.type === 'integer' || knob.type === 'float' ? (knob.log ? 'log' : 'linear') : '—');

export function KnobTable({ config, caption }: { config: KnobConfig; caption: string }) {
  // By name: the store keeps a config as JSON, which does not keep the template's order.
  const rows = Object.entries(config).map(([name, knob]) => ({ name, knob })).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <DataTable
      caption={caption}
      rows={rows}
      rowKey={(r) => r.name}
      empty="This template has no knobs."
      columns={[
        { key: 'name', label: 'Knob', value: (r) => r.name, render: (r) => <code>{r.name}</code> },
        { key: 'type', label: 'Type', value: (r) => r.knob.type },
        { key: 'values', label: 'Range, values or value', render: (r) => valuesOf(r.knob) },
        { key: 'scale', label: 'Scale', render: (r) => scaleOf(r.knob) },
      ]}
    />
  );
}
