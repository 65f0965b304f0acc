export { Role } from "./role";
export { User } from "./user.entity";
export { ensureDemoUsers, type DemoLogin } from "./demo-users";
