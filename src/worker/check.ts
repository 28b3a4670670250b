/**
 * A short-lived process that checks what a user uploads, so that template code
 * (and the parsing of a large dataset) never runs in the Admin's process. The
 * Admin starts it through the services manager, sandboxed, asks one question
 * of CHECK_CALLS over IPC and ends it.
 */
import * as Comlink from 'comlink';
import { exitWithParent, ipcEndpoint, parentPort } from '../common/ipc/channel.ts';
import { CHECK_CHANNEL } from '../common/protocols/channels.ts';
import type { CheckApi, CheckedDataset } from '../common/protocols/check.ts';
import { describeWithPreview } from '../model/datasets/preview.ts';
import { loadTemplate } from '../model/template.ts';

const api: CheckApi = {
  async template({ path, className, task }) {
    const template = await loadTemplate(path, className, task);
    return { knobConfig: template.knobConfig, tasks: [...template.tasks] };
  },
  async dataset({ path, task }) {
    return (await describeWithPreview(path, task)) as CheckedDataset;
  },
};

exitWithParent();
Comlink.expose(api, ipcEndpoint(parentPort(), CHECK_CHANNEL));
