/**
 * The query frontend's process, started by the Admin through the services
 * manager. It answers FrontendApi on FRONTEND_CHANNEL, starts its inference
 * workers through the same services contract (sandboxed when the spec says
 * so), records them with the Admin on FRONTEND_HOST_CHANNEL, and exits with
 * its parent.
 *
 * @example
 * const process = await services.spawn({ kind: 'PREDICTOR', run: { script: 'src/frontend/main.ts' }, untrusted: false, limits });
 * const frontend = Comlink.wrap<FrontendApi>(process.endpoint(FRONTEND_CHANNEL));
 * const { port } = await frontend.start(spec);   // resolves once every worker is loaded and the port listens
 * await frontend.stop();                          // then end the process
 */
import * as Comlink from 'comlink';
import { connect } from '../common/ipc/calls.ts';
import { exitWithParent, ipcEndpoint, parentPort } from '../common/ipc/channel.ts';
import { FRONTEND_CHANNEL, FRONTEND_HOST_CALLS, FRONTEND_HOST_CHANNEL, type FrontendApi } from '../common/protocols/frontend.ts';
import { bubblewrap } from '../common/services/bubblewrap.ts';
import { LocalServices } from '../common/services/local.ts';
import { unsandboxed } from '../common/services/sandbox.ts';
import { startFrontend, type RunningFrontend } from './frontend.ts';

let running: RunningFrontend | null = null;
const port = parentPort();
const host = connect(ipcEndpoint(port, FRONTEND_HOST_CHANNEL), FRONTEND_HOST_CALLS);

const api: FrontendApi = {
  async start(spec) {
    if (running) throw new Error(`this frontend already serves on port ${running.port}`);
    const services = new LocalServices({ sandbox: spec.sandbox ? bubblewrap() : unsandboxed });
    running = await startFrontend(spec, {
      services,
      recorder: { started: host.workerStarted, ready: host.workerReady, ended: host.workerEnded },
    });
    return { port: running.port };
  },
  async stop() {
    await running?.stop();
  },
  stats: () => running?.stats() ?? null,
  ban: (userId) => running?.ban(userId),
};

exitWithParent();
Comlink.expose(api, ipcEndpoint(port, FRONTEND_CHANNEL));
