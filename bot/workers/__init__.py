"""Background loops that run in every replica, one module each."""

from bot.workers.outbox import OutboxSender, SenderConfig
from bot.workers.rate import RateLimiter, SharedRateLimiter
from bot.workers.scheduler import Scheduler, SchedulerConfig
from bot.workers.sweeper import StagedFileSweeper, SweeperConfig

__all__ = ["OutboxSender", "RateLimiter", "Scheduler", "SchedulerConfig", "SenderConfig",
           "SharedRateLimiter", "StagedFileSweeper", "SweeperConfig"]
