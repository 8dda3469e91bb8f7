import { createClient } from "@connectrpc/connect";
import { NotificationService } from "../../../src/gen/ect/v1/notification_service_pb.js";
import { transport } from "../api.js";

/** The NotificationService client, on the app's one transport. */
export const notificationsApi = createClient(NotificationService, transport);
