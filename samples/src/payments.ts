// Billing: the live Stripe key was pasted in "just for the demo".
import Stripe from 'stripe';

export const stripe = new Stripe('sk_live_51Hq8ZkLmN2pR4sT6vW8xY0zAbCdEfGh', { apiVersion: '2024-06-20' });
