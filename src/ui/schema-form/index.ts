/** @module The schema-form renderer: JSON Schema + uiSchema → form fields, form data → typed config. */
export { SchemaFields, type SchemaFieldsProps } from "./form.tsx";
export { decodeForm, type Decoded, type FormInput } from "./decode.ts";
export { validateValue, mergeErrors, describeErrors, type FieldErrors } from "./validate.ts";
export { effectiveSchema, kindOf, resolveObject, schemaAt, type JsonSchema, type FieldKind } from "./schema.ts";
export { normalizeUiSchema, type UiSchema } from "./ui-schema.ts";
export { nameOf, pathOf, idOf, type Path } from "./names.ts";
