/**
 * Monaco, loaded after the window: the diagram needs only React and React
 * Flow, so it is drawn while Monaco's scripts, the flow schema and the YAML
 * worker are still arriving (a large flow's diagram appears sooner).
 */
import { lazy } from 'react';
import { flowApi } from '../api-client.js';

/** {@link YamlEditor}, once Monaco is loaded and knows the flow schema. */
export const LazyYamlEditor = lazy(async () => {
  const [{ YamlEditor }, { setupMonaco }, { uri, schema }] = await Promise.all([
    import('./yaml-editor.js'),
    import('./monaco-setup.js'),
    flowApi.call('getSchema', {}),
  ]);
  setupMonaco(uri, schema);
  return { default: YamlEditor };
});
