/**
 * Model templates: the user's own and the public ones; model developers and
 * admins upload a template, see what the Admin's sandboxed check found, and
 * delete theirs. App developers see the list, read-only.
 */
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { MODEL_DEVELOPER_TYPES, TASKS, type AccessRight } from '../../common/domain.ts';
import type { ModelJson } from '../../admin/schemas/models.ts';
import type { KnobConfig } from '../../model/knobs.ts';
import { TEMPLATE_PARTS, templatePartOf, type TemplatePart } from '../../model/template-parts.ts';
import { useSession } from '../app-session.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorNote, errorText } from '../components/error-note.tsx';
import { formatTime } from '../components/format.ts';
import { KnobTable } from '../components/knob-table.tsx';
import { ModelActions } from '../components/model-actions.tsx';
import { UploadProgress } from '../components/upload-progress.tsx';
import { href } from '../router.tsx';
import { useAsync } from '../use-async.ts';
import { useUpload } from '../use-upload.ts';

// Private first: the form's default, as the API's.
const ACCESS: [AccessRight, string][] = [['PRIVATE', 'PRIVATE (you and admins)'], ['PUBLIC', 'PUBLIC (every developer)']];

export function Models() {
  const { api, session } = useSession();
  const models = useAsync(() => api.getAvailableModels(), []);
  const [error, setError] = useState<unknown>(null);
  const canUpload = MODEL_DEVELOPER_TYPES.includes(session.userType);
  return (
    <section>
      <h1>Model templates</h1>
      {canUpload ? <UploadTemplate onUploaded={models.reload} /> : <p class="muted">Your templates and the public ones, to choose from when you start a train job.</p>}
      <h2>Available templates</h2>
      <ErrorNote error={models.error ?? error} />
      <DataTable<ModelJson>
        caption="Available model templates"
        rows={models.data ?? []}
        rowKey={(m) => m.id}
        initialSort={{ key: 'name', descending: false }}
        empty={models.loading ? 'Loading…' : 'No templates yet.'}
        columns={[
          { key: 'name', label: 'Name', value: (m) => m.name, render: (m) => <a href={href('models', m.id)}>{m.name}</a> },
          { key: 'version', label: 'Version', value: (m) => m.version, numeric: true },
          { key: 'task', label: 'Task', value: (m) => m.task },
          { key: 'class', label: 'Class', value: (m) => m.model_class, render: (m) => <code>{m.model_class}</code> },
          { key: 'knobs', label: 'Knobs', value: (m) => Object.keys(m.knob_config).length, numeric: true },
          { key: 'access', label: 'Access', value: (m) => m.access_right },
          { key: 'owner', label: 'Owner', value: (m) => (m.user_id === session.userId ? 'you' : 'another user') },
          { key: 'created', label: 'Uploaded', value: (m) => m.datetime_created, render: (m) => formatTime(m.datetime_created) },
          { key: 'actions', label: 'Actions', render: (m) => <ModelActions model={m} onError={setError} onDeleted={models.reload} /> },
        ]}
      />
    </section>
  );
}

function UploadTemplate({ onUploaded }: { onUploaded: () => void }) {
  const sending = useUpload<ModelJson>();
  const [checked, setChecked] = useState<ModelJson | null>(null);
  const [asked, setAsked] = useState<{ name: string; modelClass: string; task: string } | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const fields = new FormData(form);
    setAsked({ name: String(fields.get('name')), modelClass: String(fields.get('model_class')), task: String(fields.get('task')) });
    setChecked(null);
    const model = await sending.send('/models', new FormData(form));
    if (!model) return;
    setChecked(model);
    form.reset();
    onUploaded();
  };
  return (
    <>
      <form class="upload-form" onSubmit={submit} aria-label="Upload a template">
        <label>Name<input name="name" required maxLength={200} /></label>
        <label>Task<select name="task" required>{TASKS.map((t) => <option key={t} value={t}>{t}</option>)}</select></label>
        <label>Class name<input name="model_class" required pattern="[A-Za-z_$][A-Za-z0-9_$]*" placeholder="TinyCentroid" title="the exported class's name" /></label>
        <label>Access<select name="access_right">{ACCESS.map(([value, words]) => <option key={value} value={value}>{words}</option>)}</select></label>
        <label class="wide">Template file (one .ts or .js module)<input name="model_file_bytes" type="file" accept=".ts,.js,.mjs,.mts" required /></label>
        <label class="wide">Dependencies (JSON, optional)<textarea name="dependencies" rows={2} placeholder='{"lodash": "4.17.21"}' /></label>
        <button type="submit" disabled={sending.busy}>{sending.busy ? 'Uploading…' : 'Upload and check'}</button>
      </form>
      <UploadProgress label="Template upload" progress={sending.progress} />
      <ErrorNote error={sending.error} />
      {checked && <CheckResult model={checked} />}
      {sending.error && asked && <CheckRefused asked={asked} message={errorText(sending.error)} />}
    </>
  );
}

const PART_LABELS: Record<TemplatePart, string> = { dependencies: 'Dependencies', module: 'Module', class: 'Class', knobs: 'Knob config', task: 'Task' };

/** A refused template's check, part by part: those it passed, the one it failed with the check's words, those not reached. */
function CheckRefused({ asked, message }: { asked: { name: string; modelClass: string; task: string }; message: string }) {
  const failed = templatePartOf(message);
  if (failed === null) return null;
  const at = TEMPLATE_PARTS.indexOf(failed);
  const passed: Record<TemplatePart, string> = {
    dependencies: '✓ installed, or none needed',
    module: '✓ imported in a sandbox without error',
    class: `✓ ${asked.modelClass} is exported, with train, evaluate, predict, dumpParameters and loadParameters`,
    knobs: '✓ valid',
    task: `✓ serves ${asked.task}`,
  };
  return (
    <section class="card check-result refused" aria-labelledby="check-refused">
      <h2 id="check-refused">Check refused: {asked.name}</h2>
      <dl class="facts checks">
        {TEMPLATE_PARTS.map((part, i) => (
          <Fragment key={part}>
            <dt>{PART_LABELS[part]}</dt>
            <dd class={i === at ? 'error' : undefined}>{i < at ? passed[part] : i === at ? `✗ ${message.replace(/^(model_file_bytes|model_class|task): /, '')}` : '— not checked'}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}

/** What the Admin's check established of an accepted template, one line per part of the contract. */
function CheckResult({ model }: { model: ModelJson }) {
  const knobs = Object.keys(model.knob_config).length;
  const dependencies = Object.entries(model.dependencies);
  return (
    <section class="card check-result" aria-labelledby="check-result">
      <h2 id="check-result">Check passed: {model.name}</h2>
      <dl class="facts checks">
        <dt>Module</dt><dd>✓ imported in a sandbox without error</dd>
        <dt>Class</dt><dd>✓ <code>{model.model_class}</code> is exported, with train, evaluate, predict, dumpParameters and loadParameters</dd>
        <dt>Task</dt><dd>✓ serves {model.task}</dd>
        <dt>Knob config</dt><dd>✓ {knobs} valid knob{knobs === 1 ? '' : 's'}</dd>
        <dt>Dependencies</dt><dd>✓ {dependencies.length === 0 ? 'none needed' : `installed: ${dependencies.map(([name, version]) => `${name}@${version}`).join(', ')}`}</dd>
        <dt>Access</dt><dd>{model.access_right === 'PUBLIC' ? 'public: every developer can use it' : 'private: you and admins'}</dd>
      </dl>
      <KnobTable config={model.knob_config as KnobConfig} caption={`Knobs of ${model.name}`} />
      <p><a href={href('models', model.id)}>Open {model.name}</a></p>
    </section>
  );
}
