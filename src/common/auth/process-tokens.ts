/**
 * Process tokens: what a process started on another host shows the Admin to be
 * let in. The Admin signs one per process at spawn, with the same Ed25519 key
 * as user tokens but another audience, so neither kind passes for the other;
 * its claims name the process and scope it to its job and trial, and it
 * expires (a process connects once, at its start).
 */
import { errors, jwtVerify } from 'jose';
import { unauthorized } from '../errors.ts';
import { PROCESS_KINDS, type ProcessKind, type ProcessLabels } from '../services/services.ts';
import { TOKEN_ALGORITHM } from './tokens.ts';

export const PROCESS_AUDIENCE = 'rafiki-process';

export interface ProcessClaims { processId: string; kind: ProcessKind; scope: ProcessLabels }

export async function verifyProcessToken(key: CryptoKey, token: string): Promise<ProcessClaims> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: [TOKEN_ALGORITHM], audience: PROCESS_AUDIENCE, requiredClaims: ['exp', 'sub'] });
    if (!(PROCESS_KINDS as readonly unknown[]).includes(payload.kind)) throw unauthorized('invalid process token');
    return { processId: payload.sub!, kind: payload.kind as ProcessKind, scope: (payload.scope ?? {}) as ProcessLabels };
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw unauthorized('process token expired');
    if (error instanceof errors.JOSEError) throw unauthorized('invalid process token');
    throw error;
  }
}
