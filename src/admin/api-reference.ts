/**
 * The API reference at /openapi: the Admin's OpenAPI document (openapi/document.ts)
 * at /openapi/json, rendered by Swagger UI from files served here
 * (swagger-ui-dist), so it works on a machine with no internet. Swagger UI is
 * self-contained (one script, one stylesheet, no dependencies); Scalar, the
 * openapi plugin's default, loads from a CDN and would pull in a Vue application.
 */
import { Elysia } from 'elysia';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { notFound } from '../common/errors.ts';
import type { OpenApiDocument } from '../common/openapi.ts';
import { adminDocument, globalRoutes } from './openapi/document.ts';

const SWAGGER_UI = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = { 'swagger-ui-bundle.js': 'text/javascript', 'swagger-ui.css': 'text/css' };

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

// validatorUrl null: no request to the validator badge's host either.
const page = (title: string) => `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>${escapeHtml(title)}</title>
  <link rel="stylesheet" href="/openapi/assets/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/openapi/assets/swagger-ui-bundle.js"></script>
  <script>
    window.onload = () => { window.ui = SwaggerUIBundle({ url: '/openapi/json', dom_id: '#swagger-ui', validatorUrl: null }); };
  </script>
</body>
</html>`;

export function apiReference(info: OpenApiDocument['info']) {
  const reference = new Elysia({ name: 'rafiki.api-reference' });
  // Built on first request, when every route is in; again only if routes were added since.
  let cached: { routes: number; document: OpenApiDocument } | undefined;
  return reference
    .get('/openapi', () => new Response(page(info.title), { headers: { 'content-type': 'text/html; charset=utf-8' } }), { detail: { hide: true } })
    .get('/openapi/json', () => {
      const routes = globalRoutes(reference).length;
      if (cached?.routes !== routes) cached = { routes, document: adminDocument(reference, info) };
      return cached.document;
    }, { detail: { hide: true } })
    .get('/openapi/assets/:file', ({ params }) => {
      const type = ASSETS[params.file];
      if (!type) throw notFound(`no API reference file ${params.file}`);
      return new Response(Bun.file(join(SWAGGER_UI, params.file)), { headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' } });
    }, { detail: { hide: true } });
}
