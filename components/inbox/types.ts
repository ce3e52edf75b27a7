import type { UserDto } from '@/lib/users/dto';
import type { InboxConversation } from '@/lib/conversations/workspace';

export type { InboxConversation };

export type WorkspaceQueue = {
  id: string;
  name: string;
  routingRule: 'offer_all' | 'least_busy';
  /** least_busy: an offer not accepted within this many seconds goes to the next agent (null: never). */
  acceptTimeoutSeconds: number | null;
  waiting: number;
  active: number;
  oldestWaitingAt: string | null;
};

export type WorkspaceChannel = { id: string; name: string; provider: string; environment: string; language: string; phoneNumber: string };

export type WorkspaceData = {
  /** The newest event the snapshot reflects: the socket catches up from there. */
  lastEventId: number;
  me: UserDto;
  queues: WorkspaceQueue[];
  allQueues: { id: string; name: string }[];
  channels: WorkspaceChannel[];
  conversations: InboxConversation[];
};
