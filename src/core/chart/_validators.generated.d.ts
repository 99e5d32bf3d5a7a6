// Types of the generated validators (scripts/gen-schema-validators.ts).
import type { ErrorObject } from "ajv";
type Validate = ((v: unknown) => boolean) & { errors?: ErrorObject[] | null };
export const onechart: Validate;
export const cron_job: Validate;
