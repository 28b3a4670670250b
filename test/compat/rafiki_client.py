"""Calls the Admin the way Rafiki 0.2.0's Python client does (rafiki/client/client.py):
the same `requests` calls, the same Bearer header, and its strict response check
(status 200, Content-Type exactly application/json or application/octet-stream).
Written for this project's tests; it drives the calls named on the command line.

Usage: rafiki_client.py ADMIN_URL EMAIL PASSWORD SCENARIO [ARGS...]  (prints one JSON line per step)
"""
import json
import sys

import requests


class Client:
    def __init__(self, url):
        self._url = url
        self._token = None

    def login(self, email, password):
        data = self._post('/tokens', json={'email': email, 'password': password})
        self._token = data['token']
        return {'id': data['user_id'], 'user_type': data['user_type']}

    def create_user(self, email, password, user_type):
        return self._post('/users', json={'email': email, 'password': password, 'user_type': user_type})

    def get_users(self):
        return self._get('/users')

    def ban_user(self, email):
        return self._delete('/users', json={'email': email})

    def create_dataset(self, name, task, dataset_path=None, dataset_url=None):
        files = {}
        if dataset_path is not None:
            with open(dataset_path, 'rb') as f:
                files['dataset'] = f.read()
        return self._post('/datasets', files=files, form_data={'name': name, 'task': task, 'dataset_url': dataset_url})

    def get_datasets(self, task=None):
        return self._get('/datasets', params={'task': task})

    def create_model(self, name, task, model_file_path, model_class, dependencies={}, access_right='PRIVATE', docker_image=None):
        with open(model_file_path, 'rb') as f:
            model_file_bytes = f.read()
        return self._post('/models', files={'model_file_bytes': model_file_bytes},
                          form_data={'name': name, 'task': task, 'dependencies': json.dumps(dependencies),
                                     'docker_image': docker_image, 'model_class': model_class, 'access_right': access_right})

    def get_available_models(self, task=None):
        return self._get('/models/available', params={'task': task})

    def get_model(self, model_id):
        return self._get('/models/{}'.format(model_id))

    def download_model_file(self, model_id):
        return self._get('/models/{}/model_file'.format(model_id))

    def delete_model(self, model_id):
        return self._delete('/models/{}'.format(model_id))

    def create_train_job(self, app, task, train_dataset_id, val_dataset_id, budget, models=None):
        if models is None:
            models = [x['id'] for x in self.get_available_models(task)]
        budget = {'TIME_HOURS': 0.1, 'GPU_COUNT': 1, **budget}
        return self._post('/train_jobs', json={'app': app, 'task': task, 'train_dataset_id': train_dataset_id,
                                                'val_dataset_id': val_dataset_id, 'budget': budget, 'model_ids': models})

    def get_train_job(self, app, app_version=-1):
        return self._get('/train_jobs/{}/{}'.format(app, app_version))

    def get_trials_of_train_job(self, app, app_version=-1):
        return self._get('/train_jobs/{}/{}/trials'.format(app, app_version))

    def get_best_trials_of_train_job(self, app, app_version=-1, max_count=2):
        return self._get('/train_jobs/{}/{}/trials'.format(app, app_version), params={'type': 'best', 'max_count': max_count})

    def get_trial_logs(self, trial_id):
        return self._get('/trials/{}/logs'.format(trial_id))

    def stop_train_job(self, app, app_version=-1):
        return self._post('/train_jobs/{}/{}/stop'.format(app, app_version))

    def create_inference_job(self, app, app_version=-1):
        return self._post('/inference_jobs', json={'app': app, 'app_version': app_version})

    def get_inference_jobs_of_app(self, app):
        return self._get('/inference_jobs/{}'.format(app))

    def get_running_inference_job(self, app, app_version=-1):
        return self._get('/inference_jobs/{}/{}'.format(app, app_version))

    def stop_inference_job(self, app, app_version=-1):
        return self._post('/inference_jobs/{}/{}/stop'.format(app, app_version))

    def _headers(self):
        return {'Authorization': 'Bearer ' + self._token} if self._token is not None else {}

    def _get(self, path, params=None):
        return self._parse(requests.get(self._url + path, headers=self._headers(), params=params or {}))

    def _post(self, path, params=None, files=None, form_data=None, json=None):
        return self._parse(requests.post(self._url + path, headers=self._headers(), params=params or {},
                                         data=form_data, json=json, files=files or {}))

    def _delete(self, path, params=None, files=None, form_data=None, json=None):
        return self._parse(requests.delete(self._url + path, headers=self._headers(), params=params or {},
                                           data=form_data or {}, json=json, files=files))

    @staticmethod
    def _parse(res):
        if res.status_code != 200:
            raise RuntimeError(res.text)
        content_type = res.headers.get('content-type')
        if content_type == 'application/json':
            return res.json()
        if content_type == 'application/octet-stream':
            return res.content
        raise RuntimeError('Invalid response content type: {}'.format(content_type))


def out(step, value):
    print(json.dumps({'step': step, 'value': value}), flush=True)


def users(client):
    out('create_user', client.create_user('py-dev@example.com', 'python password', 'APP_DEVELOPER'))
    out('get_users', [u['email'] for u in client.get_users()])
    out('ban_user', client.ban_user('py-dev@example.com'))
    try:
        client.create_user('py-dev@example.com', 'python password', 'APP_DEVELOPER')
        out('duplicate', 'accepted')
    except RuntimeError as error:
        out('duplicate', json.loads(str(error)))


def models_and_datasets(client, template_path, csv_path):
    model = client.create_model('py-template', 'TABULAR_CLASSIFICATION', template_path, 'TinyCentroid',
                                access_right='PUBLIC')
    out('create_model', model)
    out('get_available_models', [m['id'] for m in client.get_available_models(task='TABULAR_CLASSIFICATION')])
    out('get_model', client.get_model(model['id']))
    with open(template_path, 'rb') as f:
        out('download_model_file', client.download_model_file(model['id']) == f.read())
    out('create_dataset', client.create_dataset('py-iris', 'TABULAR_CLASSIFICATION', dataset_path=csv_path))
    out('get_datasets', [d['name'] for d in client.get_datasets()])
    out('delete_model', client.delete_model(model['id'])['id'])


def train(client, template_path, csv_path):
    import time
    model = client.create_model('py-train', 'TABULAR_CLASSIFICATION', template_path, 'TinyCentroid')
    dataset = client.create_dataset('py-iris', 'TABULAR_CLASSIFICATION', dataset_path=csv_path)
    try:
        client.create_train_job('py-app', 'TABULAR_CLASSIFICATION', dataset['id'], dataset['id'], {'MODEL_TRIAL_COUNT': 3}, [model['id']])
    except RuntimeError as error:
        out('gpu_default', json.loads(str(error)))
    job = client.create_train_job('py-app', 'TABULAR_CLASSIFICATION', dataset['id'], dataset['id'],
                                  {'MODEL_TRIAL_COUNT': 3, 'GPU_COUNT': 0}, [model['id']])
    out('create_train_job', job)
    for _ in range(600):
        job = client.get_train_job('py-app')
        if job['status'] in ('STOPPED', 'ERRORED'):
            break
        time.sleep(0.1)
    out('get_train_job', job)
    trials = client.get_trials_of_train_job('py-app')
    out('get_trials_of_train_job', trials)
    out('get_best_trials_of_train_job', client.get_best_trials_of_train_job('py-app', max_count=2))
    out('get_trial_logs', client.get_trial_logs(trials[0]['id']))
    second = client.create_train_job('py-app', 'TABULAR_CLASSIFICATION', dataset['id'], dataset['id'],
                                     {'MODEL_TRIAL_COUNT': 1000, 'GPU_COUNT': 0}, [model['id']])
    out('stop_train_job', client.stop_train_job('py-app', second['app_version']))
    inference = client.create_inference_job('py-app', 1)
    out('create_inference_job', inference)
    host = inference['predictor_host']
    # Unlike Rafiki 0.2.0's, a predictor here answers only with a user's token.
    answer = requests.post('http://{}/predict'.format(host), json={'query': [5.1, 3.5, 1.4, 0.2]}, headers=client._headers())
    out('predict', answer.json())
    out('get_running_inference_job', client.get_running_inference_job('py-app', 1))
    out('get_inference_jobs_of_app', [j['id'] for j in client.get_inference_jobs_of_app('py-app')])
    out('stop_inference_job', client.stop_inference_job('py-app', 1))


def main():
    url, email, password, scenario = sys.argv[1:5]
    client = Client(url)
    out('login', client.login(email, password))
    if scenario == 'users':
        users(client)
    elif scenario == 'train':
        train(client, *sys.argv[5:7])
    else:
        models_and_datasets(client, *sys.argv[5:7])


if __name__ == '__main__':
    main()
