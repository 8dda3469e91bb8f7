/** The REST/JSON transcoding layer: routes, handler, OpenAPI and docs page, all derived from descriptors. */
export { type DocsPageOptions, openApiDocsPage, swaggerUiAssetDir } from "./docs-page.js";
export type { RestRequest, RestResponse } from "./http-io.js";
export { buildOpenApiDocument, type OpenApiDocument, type OpenApiOptions } from "./openapi.js";
export { commentsFromDescriptorSet, type ProtoComments } from "./openapi-comments.js";
export { createRestHandler, type RestHandler, type RestHandlerOptions } from "./rest-handler.js";
export { buildRoutes, matchRoute, type RestRoute, type RouteMatch } from "./route-table.js";
export { httpStatusForCode, type StatusJson, statusJson } from "./status-mapping.js";
