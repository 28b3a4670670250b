/** One deployed model an app user may query: where its predictor is, how to query it, and a try-it panel. */
import { useSession } from '../app-session.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime } from '../components/format.ts';
import { TryIt } from '../components/try-it.tsx';
import { useAsync } from '../use-async.ts';

export function Predictor({ id }: Record<string, string>) {
  const { api, session } = useSession();
  const predictor = useAsync(() => api.getPredictor(id!), [id]);
  const model = useAsync(() => api.getPredictorModel(id!), [id]);
  const p = predictor.data;
  const admin = location.origin;
  return (
    <section>
      <h1>{p ? `${p.app} v${p.app_version}` : 'Deployed model'}</h1>
      <ErrorNote error={predictor.error} />
      {p && (
        <>
          <dl class="facts">
            <dt>Predictor</dt><dd><code>{p.predictor_host}</code> (HTTP/2)</dd>
            <dt>Models</dt><dd>{p.trial_count} trial{p.trial_count === 1 ? '' : 's'}, answers averaged</dd>
            <dt>Deployed</dt><dd>{formatTime(p.datetime_started)}</dd>
          </dl>
          <div class="cards">
            {model.data && <TryIt model={model.data} predict={(query) => api.predictThroughPredictor(id!, query)} />}
            <ErrorNote error={model.error} />
            <section class="card" aria-labelledby="from-code">
              <h2 id="from-code">From your code</h2>
              <p>Log in for a token, then send it with each query (KServe v2 is under <code>/v2</code>):</p>
              <pre tabIndex={0} aria-label="Querying from a shell"><code>{`TOKEN=$(curl -s ${admin}/tokens -H 'content-type: application/json' \\
  -d '{"email": "${session.email}", "password": "…"}' | jq -r .token)
curl --http2-prior-knowledge http://${p.predictor_host}/predict \\
  -H "Authorization: Bearer $TOKEN" -d '{"query": …}'`}</code></pre>
            </section>
          </div>
        </>
      )}
    </section>
  );
}
