import { api } from '@/components/api/client';
import type { SimulatorChannelDto, SimulatorMessageDto } from '@/lib/simulator/dto';

export type { SimulatorChannelDto, SimulatorMessageDto };

export type Customer = { phone: string; profileName: string };

export function pollMessages(channelId: string, customers: string[], since?: string) {
  const q = new URLSearchParams({ customers: customers.join(',') });
  if (since) q.set('since', since);
  return api<{ items: SimulatorMessageDto[]; now: string }>(`/api/simulator/channels/${channelId}/messages?${q}`);
}

export type Outgoing = {
  text?: string;
  file?: File;
  location?: { latitude: number; longitude: number; address?: string; label?: string };
  button?: { text: string; payload?: string };
  replyToSid?: string | null;
};

export function sendAsCustomer(channelId: string, customer: Customer, out: Outgoing) {
  const url = `/api/simulator/channels/${channelId}/messages`;
  if (out.file) {
    const form = new FormData();
    form.set('from', customer.phone);
    form.set('profileName', customer.profileName);
    if (out.text) form.set('text', out.text);
    if (out.replyToSid) form.set('replyToSid', out.replyToSid);
    form.set('file', out.file, out.file.name);
    return api<SimulatorMessageDto>(url, { method: 'POST', body: form });
  }
  const { file: _file, ...rest } = out;
  return api<SimulatorMessageDto>(url, { method: 'POST', json: { from: customer.phone, profileName: customer.profileName, ...rest } });
}

export function sendReceipts(channelId: string, sids: string[], status: 'delivered' | 'read') {
  return api<{ changed: number }>(`/api/simulator/channels/${channelId}/receipts`, { method: 'POST', json: { sids, status } });
}

export function setFailNext(channelId: string, errorCode: string | null) {
  return api<{ failNextErrorCode: string | null }>(`/api/simulator/channels/${channelId}/failure`, { method: 'PUT', json: { errorCode } });
}

export function listChannels() {
  return api<{ items: SimulatorChannelDto[] }>('/api/simulator/channels');
}

export function listCustomers(channelId: string) {
  return api<{ items: { phone: string; profileName: string | null; lastAt: string }[] }>(`/api/simulator/channels/${channelId}/customers`);
}

const FIRST = ['Carla', 'John', 'Aiko', 'Mateo', 'Priya', 'Lucas', 'Fatima', 'Noah', 'Elena', 'Omar', 'Sofia', 'Liam'];
const LAST = ['Ruiz', 'Smith', 'Tanaka', 'García', 'Patel', 'Martin', 'Haddad', 'Brown', 'Rossi', 'Khan', 'López', 'Walsh'];

/** A made-up customer with a number of the channel's country (fictional ranges where there are some). */
export function randomCustomer(defaultCountry: string): Customer {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');
  const pick = <T,>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  const phone = defaultCountry === 'ES' ? `+346${digits(8)}` : defaultCountry === 'GB' ? `+447700${digits(6)}` : `+1555${digits(7)}`;
  return { phone, profileName: `${pick(FIRST)} ${pick(LAST)}` };
}
