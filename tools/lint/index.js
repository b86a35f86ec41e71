// The lint plugins, imported from here so that they resolve this workspace's TypeScript 6.0
// (tools/lint/node_modules/typescript) and not the project's TypeScript 7, which has no JS compiler API.
export { default as js } from '@eslint/js';
export { default as prettierConfig } from 'eslint-config-prettier';
export { default as globals } from 'globals';
export { default as tseslint } from 'typescript-eslint';
