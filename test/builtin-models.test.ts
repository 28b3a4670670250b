/** The first start publishes the built-in templates of models/; a restart does not duplicate them. */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test';
import { startAdmin } from '../src/admin/server.ts';
import { Client } from '../src/client/index.ts';
import { SUPERADMIN, testConfig } from './support/admin.ts';
import { createBackend, type Backend } from './support/databases.ts';

setDefaultTimeout(120_000);

let backend: Backend;
beforeAll(async () => {
  backend = await createBackend('embedded');
});
afterAll(() => backend.dispose());

test('an app developer finds the eight built-in templates (kNN under two names, one per task), public and owned by the superadmin', async () => {
  const config = testConfig(backend, { RAFIKI_BUILTIN_MODELS: 'true' });
  const first = await startAdmin(config);
  const superadmin = new Client({ adminUrl: first.url });
  const me = await superadmin.login(SUPERADMIN.email, SUPERADMIN.password);
  await superadmin.createUser({ email: 'dev@example.com', password: 'a long password', userType: 'APP_DEVELOPER' });
  const dev = new Client({ adminUrl: first.url });
  await dev.login('dev@example.com', 'a long password');
  const available = await dev.getAvailableModels();
  expect(available.map((m) => [m.name, m.task]).sort()).toEqual([
    ['ImageCnn', 'IMAGE_CLASSIFICATION'],
    ['ImageMlp', 'IMAGE_CLASSIFICATION'],
    ['KNearestNeighborsClassifier', 'TABULAR_CLASSIFICATION'],
    ['KNearestNeighborsRegressor', 'TABULAR_REGRESSION'],
    ['RidgeRegression', 'TABULAR_REGRESSION'],
    ['SoftmaxRegression', 'TABULAR_CLASSIFICATION'],
    ['TabularMlp', 'TABULAR_CLASSIFICATION'],
    ['TabularMlpRegressor', 'TABULAR_REGRESSION'],
  ]);
  expect(available.every((m) => m.access_right === 'PUBLIC' && m.user_id === me.id)).toBe(true);
  expect(Object.keys(available.find((m) => m.name === 'TabularMlp')!.knob_config).length).toBeGreaterThan(2);
  const knn = available.filter((m) => m.model_class === 'KNearestNeighbors');
  expect(knn.map((m) => Object.keys(m.knob_config).sort())).toEqual([['k', 'metric', 'weighting'], ['k', 'metric', 'weighting']]);
  await first.stop();

  const second = await startAdmin(config);
  const again = new Client({ adminUrl: second.url });
  await again.login('dev@example.com', 'a long password');
  expect((await again.getAvailableModels()).length).toBe(8);
  await second.stop();
});
