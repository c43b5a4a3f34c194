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

export function rateLimitBody(policyName: 'TEN_SECONDLY_ROLLING' | 'SECONDLY'): Record<string, string> {
  return {
    status: 'error',
    message: policyName === 'SECONDLY' ? 'You have reached your secondly limit.' : 'You have reached your ten_secondly_rolling limit.',
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName,
    groupName: policyName === 'SECONDLY' ? 'publicapi:search' : 'publicapi:app-portal',
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
