// GET /model/export (admin only, in the management zone): the models added in the dashboard as a
// LiteLLM config.yaml fragment. Config-file models are not included: they already live in a file.
// Never reads a secret: api_key is exported as the reference it was stored as.
import type { FastifyInstance } from 'fastify';
import { exportStoredModels } from '../../config/export-stored-models.js';
import type { ModelStore } from '../../storage/model-repository.js';
import type { CallMode } from '../../storage/storage-connection.js';
import type { ModelExport } from '../../../shared/api/export-schemas.js';

export function registerModelExportRoutes(app: FastifyInstance, store: ModelStore<CallMode>): void {
  app.get('/model/export', async (): Promise<ModelExport> => exportStoredModels(await store.list()));
}
