/**
 * A network inside a template's parameters: its spec as JSON and each weight
 * tensor as a binary Float32Array, under a common prefix.
 */
import type { JsonValue, Params } from '../model.ts';
import { Network, type NetworkOptions } from './network.ts';
import { paramInfos, type NetworkSpec } from './spec.ts';

/** @example const params = { ...networkParams(net), classes: data.classes }; */
export function networkParams(net: Network, prefix = 'network'): Params {
  const params: Params = { [`${prefix}.spec`]: net.spec as unknown as JsonValue };
  for (const [name, w] of Object.entries(net.getWeights())) params[`${prefix}.${name}`] = w;
  return params;
}

/** The network that `networkParams` saved; throws naming what is missing. */
export function networkFromParams(params: Params, prefix = 'network', opts: NetworkOptions = {}): Network {
  const spec = params[`${prefix}.spec`];
  if (spec === undefined || spec === null || typeof spec !== 'object' || ArrayBuffer.isView(spec)) {
    throw new Error(`parameters lack "${prefix}.spec"`);
  }
  const networkSpec = spec as unknown as NetworkSpec;
  const weights = Object.fromEntries(paramInfos(networkSpec).map((p) => {
    const w = params[`${prefix}.${p.name}`];
    if (!(w instanceof Float32Array)) throw new Error(`parameters lack "${prefix}.${p.name}" (a Float32Array)`);
    return [p.name, w];
  }));
  return new Network(networkSpec, weights, opts);
}
