// `--import` this in a worker's execArgv to run TypeScript sources in it (typescript-loader-hooks.mjs).
import { register } from 'node:module';

register('./typescript-loader-hooks.mjs', import.meta.url);
