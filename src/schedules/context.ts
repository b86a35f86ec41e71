export interface ScheduleContext { readonly placeholder: true }
