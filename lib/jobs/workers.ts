// Every domain's job definitions, imported once so startJobs() knows them.
import '@/lib/routing/jobs';
import '@/lib/conversations/send-job';
import '@/lib/media/download';
import '@/lib/privacy/retention-job';
import '@/lib/events/prune';
export {};
