import type { DescFile, DescService } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import type { CallerDirectory } from "../auth/caller-directory.js";
import { signInOptionsResolver } from "../auth/sign-in-options.js";
import type { TokenAuthority } from "../auth/token-issuer.js";
import type { Config } from "../config.js";
import type { Db } from "../db/db.js";
import type { DbNotifications } from "../db/db-notifications.js";
import { AdminService } from "../gen/ect/v1/admin_service_pb.js";
import { CaseService } from "../gen/ect/v1/case_service_pb.js";
import { DocumentService } from "../gen/ect/v1/document_service_pb.js";
import { FormService } from "../gen/ect/v1/form_service_pb.js";
import { Icd10Service } from "../gen/ect/v1/icd10_service_pb.js";
import { IdentityService } from "../gen/ect/v1/identity_service_pb.js";
import { InvestigationService } from "../gen/ect/v1/investigation_service_pb.js";
import { MemberService } from "../gen/ect/v1/member_service_pb.js";
import { MemoService } from "../gen/ect/v1/memo_service_pb.js";
import { NotificationService } from "../gen/ect/v1/notification_service_pb.js";
import { NotificationSettingsService } from "../gen/ect/v1/notification_settings_service_pb.js";
import { PrintService } from "../gen/ect/v1/print_service_pb.js";
import { ReportService } from "../gen/ect/v1/report_service_pb.js";
import { SearchService } from "../gen/ect/v1/search_service_pb.js";
import { TelemetryService } from "../gen/ect/v1/telemetry_service_pb.js";
import { WorkflowService } from "../gen/workflow/workflow_pb.js";
import { registerHealth } from "../health/grpc-health.js";
import type { HealthMonitor } from "../health/health-monitor.js";
import { PROBE_SERVICES } from "../health/probe-services.js";
import { registerReflection } from "../health/reflection.js";
import { WatchLimiter } from "../resilience/watch-limiter.js";
import { adminService } from "../services/admin-service.js";
import type { CaseEvents } from "../services/cases/case-events.js";
import { caseService } from "../services/cases/case-service.js";
import { streamCases } from "../services/cases/stream-cases.js";
import { installSuspenseClock } from "../services/cases/suspense-calendar.js";
import { documentService } from "../services/documents/document-service.js";
import { formService } from "../services/form/form-service.js";
import { icd10Service, streamIcd10Codes } from "../services/icd10-service.js";
import { identityService } from "../services/identity-service.js";
import { investigationService } from "../services/investigation/investigation-service.js";
import { memberService, searchMembers } from "../services/member-service.js";
import { memoService } from "../services/memos/memo-service.js";
import { FeedWakeups } from "../services/notifications/feed-wakeups.js";
import { notificationService } from "../services/notifications/notification-service.js";
import { notificationSettingsService } from "../services/notifications/notification-settings-service.js";
import { printService } from "../services/print/print-service.js";
import { reportService } from "../services/reports/report-service.js";
import { searchService, searchStreams } from "../services/search/search-service.js";
import { telemetryService } from "../services/telemetry-service.js";
import { lookupStreams, workflowService } from "../services/workflow/workflow-service.js";
import { type PageSource, pageSource } from "../streams/page-source.js";
import type { AnyPagedStream } from "../streams/paged-stream.js";
import type { TraceStore } from "../telemetry/trace-store.js";

/** The application services every protocol serves; REST and OpenAPI derive from the same list. */
export const API_SERVICES: readonly DescService[] = [
  CaseService,
  DocumentService,
  FormService,
  PrintService,
  MemoService,
  InvestigationService,
  IdentityService,
  MemberService,
  NotificationService,
  SearchService,
  ReportService,
  Icd10Service,
  AdminService,
  NotificationSettingsService,
  TelemetryService,
  WorkflowService,
];

/** What the services need. */
export interface ServiceDeps {
  config: Readonly<Config>;
  db: Db;
  events: CaseEvents;
  tokens: TokenAuthority;
  directory: CallerDirectory;
  traces: TraceStore;
  health: HealthMonitor;
  /** LISTEN/NOTIFY of the raw database: live notification feeds across instances (optional: polled without). */
  listener?: DbNotifications;
}

/**
 * Every paged stream of the services, declared once beside its service: the services derive their
 * Connect handlers from the same declarations, and the page-framed gRPC path serves these.
 */
export const PAGED_STREAMS: readonly AnyPagedStream[] = [
  streamCases,
  searchMembers,
  ...searchStreams,
  streamIcd10Codes,
  ...lookupStreams,
];

/** The services as Connect routes, and the paged streams the page-framed gRPC path serves. */
export interface RegisteredServices {
  routes: (router: ConnectRouter) => void;
  pageStreams: PageSource[];
}

/** Registers every service (plus gRPC health and reflection) on a Connect router. */
export function registerServices(deps: ServiceDeps): RegisteredServices {
  const streaming = {
    firstPageSize: deps.config.streaming.firstPageSize,
    pageSize: deps.config.streaming.pageSize,
  };
  installSuspenseClock(deps.config.investigations.clock);
  const caseDeps = {
    db: deps.db,
    events: deps.events,
    streaming,
    cases: deps.config.cases,
    watches: new WatchLimiter(deps.config.watches),
  };
  const workflowDeps = {
    db: deps.db,
    streaming: { ...streaming, unaryMaxItems: deps.config.unaryLookupMaxItems },
  };
  const routes = (router: ConnectRouter) => {
    router.service(CaseService, caseService(caseDeps));
    router.service(
      IdentityService,
      identityService({
        db: deps.db,
        tokens: deps.tokens,
        directory: deps.directory,
        signInOptions: signInOptionsResolver(deps.config.auth),
      }),
    );
    router.service(FormService, formService({ db: deps.db, events: deps.events }));
    router.service(DocumentService, documentService({ db: deps.db, limits: deps.config.documents }));
    router.service(PrintService, printService({ db: deps.db }));
    router.service(MemoService, memoService({ db: deps.db }));
    router.service(
      InvestigationService,
      investigationService({ ...deps.config.investigations, ...caseDeps }),
    );
    router.service(MemberService, memberService({ db: deps.db, streaming }));
    router.service(
      NotificationService,
      notificationService({
        ...caseDeps,
        wakeups: new FeedWakeups({ events: deps.events, listener: deps.listener }),
        pollMs: deps.config.notifications.dispatchIntervalMs,
      }),
    );
    router.service(SearchService, searchService({ db: deps.db, streaming }));
    router.service(
      ReportService,
      reportService({
        db: deps.db,
        streaming,
        targets: deps.config.reports,
        clock: deps.config.investigations.clock,
      }),
    );
    router.service(Icd10Service, icd10Service({ db: deps.db, streaming }));
    router.service(AdminService, adminService({ db: deps.db }));
    router.service(NotificationSettingsService, notificationSettingsService({ db: deps.db }));
    router.service(TelemetryService, telemetryService(deps.traces));
    router.service(WorkflowService, workflowService(workflowDeps));
    registerHealth(router, deps.health, { services: API_SERVICES.map((service) => service.typeName) });
    const files: DescFile[] = [...API_SERVICES, ...PROBE_SERVICES].map((service) => service.file);
    registerReflection(router, files);
  };
  const source = { db: deps.db, streaming };
  return { routes, pageStreams: PAGED_STREAMS.map((stream) => pageSource(stream, source)) };
}
