/**
 * The API reference at /openapi: the OpenAPI document Elysia derives from the
 * routes' schemas (at /openapi/json), rendered by Swagger UI from files served
 * here (swagger-ui-dist), so it works on a machine with no internet. Swagger UI
 * is self-contained (one script, one stylesheet, no dependencies); Scalar, the
 * plugin's default, loads from a CDN and would pull in a Vue application.
 */
import { openapi } from '@elysiajs/openapi';
import { Elysia } from 'elysia';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { notFound } from '../common/errors.ts';

const SWAGGER_UI = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = { 'swagger-ui-bundle.js': 'text/javascript', 'swagger-ui.css': 'text/css' };

export function apiReference(info: { title: string; version: string; description: string }) {
  return new Elysia({ name: 'rafiki.api-reference' })
    .use(openapi({
      path: '/openapi',
      provider: 'swagger-ui',
      documentation: { info },
      // No request to the validator badge's host either.
      swagger: { cdn: '/openapi/assets/swagger-ui-bundle.js', theme: '/openapi/assets/swagger-ui.css', validatorUrl: null } as never,
    }))
    .get('/openapi/assets/:file', ({ params }) => {
      const type = ASSETS[params.file];
      if (!type) throw notFound(`no API reference file ${params.file}`);
      return new Response(Bun.file(join(SWAGGER_UI, params.file)), { headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' } });
    }, { detail: { hide: true } });
}
