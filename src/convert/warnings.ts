/** Warnings are data: converters return them, the pipeline logs, counts and shows them. */
export type WarningCode =
  | 'NAME_SANITISED'
  | 'HOST_SANITISED'
  | 'HOST_INVALID'
  | 'LABEL_DROPPED'
  | 'LABEL_MENDED'
  | 'PROTOCOL_UNKNOWN'
  | 'PORT_PROTOCOL_CONFLICT'
  | 'MIXED_PROTOCOLS'
  | 'INSTANCE_INVALID'
  | 'NAME_CONFLICT'
  | 'ENDPOINT_FIELD_CONFLICT';

export interface ConvertWarning {
  readonly code: WarningCode;
  readonly message: string;
}

export function warning(code: WarningCode, message: string): ConvertWarning {
  return { code, message };
}
