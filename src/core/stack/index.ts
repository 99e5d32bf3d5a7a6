/**
 * Gimlet stacks, the pure parts: the stack-definition.yaml and stack.yaml formats, where a stack
 * comes from, rendering a stack's templates, and planning the 3-way merge of a regenerate.
 * @module
 */
export {
  fieldPath,
  parseStackConfig,
  parseStackDefinition,
  stringifyStackConfig,
  type LineOf,
  type LoadedStackConfig,
  type StackCategory,
  type StackComponent,
  type StackConfig,
  type StackDefinition,
} from "./definition.ts";
