"""fulian-report: 区妇联年度工作总结及工作计划生成工具."""

__version__ = "0.1.0"
