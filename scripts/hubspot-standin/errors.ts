// HubSpot's error bodies: `{status: "error", message, correlationId, category, ...}` for the CRM APIs,
// plus the 429 body with `policyName` and the RFC 6749 body of the OAuth token endpoint.
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';

export interface HubSpotErrorBody {
  status: 'error';
  message: string;
  correlationId: string;
  category: string;
  subCategory?: string;
  context?: Record<string, string[]>;
  errors?: Array<{ message: string; code?: string; in?: string; context?: Record<string, string[]>; subCategory?: string }>;
  links?: Record<string, string>;
}

export class ApiError extends Error {
  readonly httpStatus: number;
  readonly body: HubSpotErrorBody;
  constructor(httpStatus: number, category: string, message: string, extra: Partial<HubSpotErrorBody> = {}) {
    super(message);
    this.httpStatus = httpStatus;
    this.body = { status: 'error', message, correlationId: randomUUID(), category, ...extra };
  }
}

export const validationError = (message: string, extra: Partial<HubSpotErrorBody> = {}): ApiError =>
  new ApiError(400, 'VALIDATION_ERROR', message, extra);

export const notFound = (message = 'resource not found'): ApiError => new ApiError(404, 'OBJECT_NOT_FOUND', message);

export function sendError(res: Response, err: ApiError): void {
  res.status(err.httpStatus).json(err.body);
}

export function unauthorized(message: string): ApiError {
  return new ApiError(401, 'INVALID_AUTHENTICATION', message, {
    links: { 'api key': 'https://app.hubspot.com/l/api-key/' },
  });
}

const RATE_LIMIT_MESSAGES = {
  TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
  SECONDLY: 'You have reached your secondly limit.',
  DAILY: 'You have reached your daily limit.',
} as const;

/** HubSpot's documented 429 body: status, message, errorType RATE_LIMIT, correlationId, policyName, requestId. */
export function rateLimitBody(policyName: keyof typeof RATE_LIMIT_MESSAGES): Record<string, string> {
  return {
    status: 'error',
    message: RATE_LIMIT_MESSAGES[policyName],
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName,
    requestId: randomUUID(),
  };
}

/** RFC 6749 section 5.2 error, with HubSpot's correlation fields alongside. */
export function oauthError(res: Response, httpStatus: number, error: string, description: string): void {
  res.status(httpStatus).json({
    error,
    error_description: description,
    status: error.toUpperCase(),
    message: description,
    correlationId: randomUUID(),
    category: httpStatus === 401 ? 'INVALID_AUTHENTICATION' : 'BAD_REQUEST',
  });
}
