export const ACCESS_TOKEN_NOT_FOUND = 'access_token/access_token_not_found';
export const INVALID_CREDENTIALS = 'INVALID_CREDENTIALS';
export const API_TOKEN_TABLE = 'api_tokens';
fetch(url, { credentials: 'same-origin' });
const secret = `default:${env}.real-secret`;
const tokenSecret = 'default:development.unleash-insecure-api-token';
const token = '0140e328-b187-4823-ae4b-ed4bec832ac2';
const apiToken = `api_${id}`;
